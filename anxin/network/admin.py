from __future__ import annotations

from django.contrib import admin

from anxin.network.models import CoverageArea, ServicePoint, Technician


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


@admin.register(CoverageArea)
class CoverageAreaAdmin(admin.ModelAdmin):
    list_display = ("service_point", "name_path", "division_code", "level", "exclude", "updated_at")
    list_filter = ("level", "exclude")
    search_fields = ("division_code", "name_path", "service_point__name")
    list_select_related = ("service_point",)
    raw_id_fields = ("service_point",)
