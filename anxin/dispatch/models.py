from __future__ import annotations

from django.conf import settings
from django.db import models

from anxin.core.models import TimestampedModel


class ServicePoint(TimestampedModel):
    """A repair shop (网点) that serves some brands and categories in an area."""

    name = models.CharField(max_length=100, unique=True)
    address = models.CharField(max_length=200, blank=True)
    county_code = models.CharField(max_length=6, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    open_24h = models.BooleanField(default=False)
    opening_hours = models.CharField(max_length=100, blank=True, help_text="e.g. 08:30-12:00,13:30-18:00")
    brands = models.ManyToManyField("catalog.Brand", blank=True, related_name="service_points")
    categories = models.ManyToManyField("catalog.ProductCategory", blank=True, related_name="service_points")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Technician(TimestampedModel):
    """A field technician; signs in as a user with the technician role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technician")
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, related_name="technicians")
    employee_no = models.CharField(
        max_length=20, unique=True, help_text="shown to customers to verify a visit"
    )
    brands = models.ManyToManyField("catalog.Brand", blank=True, related_name="technicians")
    categories = models.ManyToManyField("catalog.ProductCategory", blank=True, related_name="technicians")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return f"{self.user} ({self.employee_no})"
