from __future__ import annotations

from django.contrib import admin

from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPlan


@admin.register(DispatchOffer)
class DispatchOfferAdmin(admin.ModelAdmin):
    """Read-only: offers are written by the offer loop and dispatchers only."""

    list_display = ["order", "technician", "state", "rank", "created_at", "expires_at", "answered_at"]
    list_filter = ["state"]
    search_fields = ["order__number", "technician__employee_no"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
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
