from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from unfold.admin import ModelAdmin

from anxin.core.exceptions import ValidationFailed
from anxin.core.images import image_ingest
from anxin.network.models import CoverageArea, ServicePoint, Technician
from anxin.network.services import TECHNICIAN_PHOTO_EDGE


@admin.register(ServicePoint)
class ServicePointAdmin(ModelAdmin):
    """Coverage is edited on the coverage page (map, division search, conflicts); "view on site" goes there."""

    list_display = ["name", "county_code", "opening_hours", "open_24h", "is_active"]
    list_filter = ["is_active", "open_24h", "brands"]
    search_fields = ["name", "county_code"]
    filter_horizontal = ["brands", "categories"]

    def view_on_site(self, obj: ServicePoint) -> str:
        return reverse("network:coverage_edit", args=[obj.pk])


class TechnicianAdminForm(forms.ModelForm):
    """The badge photo is checked and re-encoded like every other upload (anxin.core.images)."""

    class Meta:
        model = Technician
        fields = ["photo"]  # the admin adds the other columns itself

    def clean_photo(self) -> object:
        photo = self.cleaned_data.get("photo")
        if not isinstance(photo, UploadedFile):
            return photo  # unchanged or cleared
        try:
            image = image_ingest(photo.read(), field="photo", long_edge=TECHNICIAN_PHOTO_EDGE, reencode=True)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc
        return ContentFile(image.data, name=f"photo{image.suffix or '.jpg'}")


@admin.register(Technician)
class TechnicianAdmin(ModelAdmin):
    form = TechnicianAdminForm
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
    list_select_related = ["user", "service_point"]
    search_fields = ["employee_no", "user__username"]
    filter_horizontal = ["brands", "categories"]
    raw_id_fields = ["user"]
    readonly_fields = ["last_latitude", "last_longitude", "last_located_at", "status_changed_at"]


@admin.register(CoverageArea)
class CoverageAreaAdmin(ModelAdmin):
    list_display = ("service_point", "name_path", "division_code", "level", "exclude", "updated_at")
    list_filter = ("level", "exclude")
    search_fields = ("division_code", "name_path", "service_point__name")
    list_select_related = ("service_point",)
    raw_id_fields = ("service_point",)

    def view_on_site(self, obj: CoverageArea) -> str:
        return reverse("network:coverage_edit", args=[obj.service_point_id])
