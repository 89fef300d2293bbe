from __future__ import annotations

from django.db import models

from anxin.core.models import TimestampedModel


class Brand(TimestampedModel):
    """An appliance brand whose after-sales service runs on Anxin."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60, unique=True)
    hotline = models.CharField(max_length=30, blank=True)
    hotline_24h = models.BooleanField(default=False)
    default_warranty_months = models.PositiveSmallIntegerField(default=12)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductCategory(TimestampedModel):
    """A kind of appliance (消毒柜, 保险柜, 热水器); technician skills are per brand × category."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60, unique=True)
    visit_minutes = models.PositiveSmallIntegerField(default=60, help_text="typical on-site time, for planning")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "product categories"

    def __str__(self) -> str:
        return self.name


class ProductModel(TimestampedModel):
    """A model a brand sells, e.g. 乐创 ZTP-108."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="models")
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="models")
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    warranty_months = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["brand__name", "code"]
        constraints = [models.UniqueConstraint(fields=["brand", "code"], name="uniq_model_code_per_brand")]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.code}"
