from django.contrib import admin

from anxin.catalog.models import Brand, ProductCategory, ProductModel


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "hotline", "hotline_24h", "default_warranty_months"]
    search_fields = ["name", "code"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ["brand", "code", "name", "category", "warranty_months"]
    list_filter = ["brand", "category"]
    search_fields = ["code", "name"]
