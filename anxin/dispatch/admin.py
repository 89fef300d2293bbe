from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPlan


@admin.register(DispatchOffer)
class DispatchOfferAdmin(ModelAdmin):
    """Read-only: offers are written by the offer loop and dispatchers only."""

    list_display = ["order", "technician", "state", "rank", "created_at", "expires_at", "answered_at"]
    list_filter = ["state"]
    list_select_related = ["order", "technician"]
    search_fields = ["order__number", "technician__employee_no"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DispatchOffer | None = None) -> bool:
        return False


@admin.register(DispatchEscalation)
class DispatchEscalationAdmin(ModelAdmin):
    list_display = ["order", "reason", "created_at", "resolved_at", "resolved_by"]
    list_filter = ["reason"]
    list_select_related = ["order", "resolved_by"]
    search_fields = ["order__number"]
    raw_id_fields = ["order", "resolved_by"]
    date_hierarchy = "created_at"


@admin.register(DispatchPlan)
class DispatchPlanAdmin(ModelAdmin):
    list_display = ["service_point", "day", "engine", "solve_seconds", "version", "trigger", "planned_at"]
    list_filter = ["engine", "trigger"]
    list_select_related = ["service_point"]
    search_fields = ["service_point__name"]
    readonly_fields = ["routes", "unassigned", "stats", "signature"]
    date_hierarchy = "day"
