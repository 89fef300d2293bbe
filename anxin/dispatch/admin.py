from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPlan


@admin.register(DispatchOffer)
class DispatchOfferAdmin(admin.ModelAdmin):
    """Read-only: offers are written by the offer loop and dispatchers only."""

    list_display = ["order", "technician", "state", "rank", "created_at", "expires_at", "answered_at"]
    list_filter = ["state"]
    search_fields = ["order__number", "technician__employee_no"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DispatchOffer | None = None) -> bool:
        return False


@admin.register(DispatchEscalation)
class DispatchEscalationAdmin(admin.ModelAdmin):
    list_display = ["order", "reason", "created_at", "resolved_at", "resolved_by"]
    list_filter = ["reason"]


@admin.register(DispatchPlan)
class DispatchPlanAdmin(admin.ModelAdmin):
    list_display = ["service_point", "day", "engine", "solve_seconds", "version", "trigger", "planned_at"]
    list_filter = ["engine", "trigger"]
    readonly_fields = ["routes", "unassigned", "stats", "signature"]
