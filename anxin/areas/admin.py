from django.contrib import admin

from anxin.areas.models import CoverageArea


@admin.register(CoverageArea)
class CoverageAreaAdmin(admin.ModelAdmin):
    list_display = ("service_point", "name_path", "division_code", "level", "exclude", "updated_at")
    list_filter = ("level", "exclude")
    search_fields = ("division_code", "name_path", "service_point__name")
    list_select_related = ("service_point",)
    raw_id_fields = ("service_point",)
