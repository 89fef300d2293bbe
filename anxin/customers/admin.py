from django.contrib import admin
from django.http import HttpRequest

from anxin.core.masking import mask_address, mask_name, mask_phone
from anxin.customers.models import Customer, Device


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Back office sees customers masked; full values only through the audited reveal."""

    list_display = ["id", "masked_name", "masked_phone", "created_at"]
    fields = ("masked_name", "masked_phone", "masked_address", "user", "created_at")
    readonly_fields = ("masked_name", "masked_phone", "masked_address", "user", "created_at")

    @admin.display(description="name")
    def masked_name(self, obj: Customer) -> str:
        return mask_name(obj.name)

    @admin.display(description="phone")
    def masked_phone(self, obj: Customer) -> str:
        return mask_phone(obj.phone)

    @admin.display(description="address")
    def masked_address(self, obj: Customer) -> str:
        return mask_address(obj.address)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "brand",
        "category",
        "product_model",
        "serial_number",
        "purchase_date",
        "warranty_end",
    ]
    list_filter = ["brand", "category"]
    search_fields = ["serial_number"]
    raw_id_fields = ["customer"]
