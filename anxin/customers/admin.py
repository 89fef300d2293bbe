from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from anxin.core.masking import mask_address, mask_name, mask_phone, normalize_phone
from anxin.customers.models import Customer, Device
from anxin.customers.services import phone_blind_index


def phone_search_q(search_term: str, *, index_lookup: str) -> Q | None:
    """A search box that looks like a phone number, as a lookup on the blind index (the number itself is
    ciphertext in the database, so ``search_fields`` cannot match it)."""
    digits = normalize_phone(search_term)
    if len(digits) < 7 or not search_term.strip().lstrip("+").replace(" ", "").replace("-", "").isdigit():
        return None
    return Q(**{index_lookup: phone_blind_index(digits)})


class PhoneSearchMixin:
    """Adds "search by phone through the blind index" to a ModelAdmin's ordinary search."""

    phone_index_lookup: str

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Model], search_term: str
    ) -> tuple[QuerySet[Model], bool]:
        results, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        by_phone = phone_search_q(search_term, index_lookup=self.phone_index_lookup)
        if by_phone is not None:
            results = results | queryset.filter(by_phone)
        return results, may_have_duplicates


@admin.register(Customer)
class CustomerAdmin(PhoneSearchMixin, ModelAdmin):
    """Back office sees customers masked; full values only through the audited reveal."""

    phone_index_lookup = "phone_index"
    list_display = ["id", "masked_name", "masked_phone", "created_at"]
    search_fields = ["=id"]
    search_help_text = _("按客户编号或完整手机号搜索")
    date_hierarchy = "created_at"
    fields = ("masked_name", "masked_phone", "masked_address", "user", "created_at")
    readonly_fields = fields

    @admin.display(description=_("姓名"))
    def masked_name(self, obj: Customer) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("电话"))
    def masked_phone(self, obj: Customer) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("地址"))
    def masked_address(self, obj: Customer) -> str:
        return mask_address(obj.address)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Device)
class DeviceAdmin(ModelAdmin):
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
    list_select_related = ["brand", "category", "product_model"]
    search_fields = ["serial_number"]
    raw_id_fields = ["customer"]
    date_hierarchy = "purchase_date"
