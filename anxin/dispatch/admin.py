from __future__ import annotations

from django.contrib import admin

from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPlan, ServicePoint, Technician


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["name", "county_code", "opening_hours", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "county_code"]
    filter_horizontal = ["brands", "categories"]


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = [
        "employee_no",
        "user",
        "service_point",
        "status",
        "shift_start",
        "shift_end",
        "max_jobs_per_day",
        "is_active",
    ]
    list_filter = ["service_point", "status", "is_active"]
    search_fields = ["employee_no", "user__username"]
    filter_horizontal = ["brands", "categories"]
    readonly_fields = ["last_latitude", "last_longitude", "last_located_at", "status_changed_at"]


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
