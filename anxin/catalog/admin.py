from django.contrib import admin
from unfold.admin import ModelAdmin

from anxin.catalog.models import Brand, FaultCode, ProductCategory, ProductModel


@admin.register(Brand)
class BrandAdmin(ModelAdmin):
    list_display = ["name", "code", "hotline", "hotline_24h", "default_warranty_months"]
    list_filter = ["hotline_24h"]
    search_fields = ["name", "code"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(ModelAdmin):
    list_display = ["name", "code", "visit_minutes"]
    search_fields = ["name", "code"]


@admin.register(ProductModel)
class ProductModelAdmin(ModelAdmin):
    list_display = ["brand", "code", "name", "category", "warranty_months"]
    list_filter = ["brand", "category"]
    list_select_related = ["brand", "category"]
    search_fields = ["code", "name"]


@admin.register(FaultCode)
class FaultCodeAdmin(ModelAdmin):
    """The brand's fault-code table; model-specific codes narrow a category's codes for one model."""

    list_display = ["code", "name", "brand", "category", "product_model", "active"]
    list_filter = ["brand", "category", "active"]
    list_select_related = ["brand", "category", "product_model"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["product_model"]
