from typing import cast

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from anxin.core.masking import mask_address, mask_name, mask_phone
from anxin.customers.admin import PhoneSearchMixin
from anxin.workorders.models import WorkOrder, WorkOrderEvent


class EventInline(TabularInline):
    model = WorkOrderEvent
    fields = ["created_at", "event", "from_status", "to_status", "actor", "actor_label", "note"]
    readonly_fields = cast("list[str]", fields)  # a flat list of names
    extra = 0
    can_delete = False

    def has_add_permission(
        self, request: HttpRequest, obj: WorkOrder | None = None
    ) -> bool:  # obj: the parent order
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(PhoneSearchMixin, ModelAdmin):
    """Read-only in the back office: status changes go through the state machine on the order page,
    which "view on site" opens. Contact details are ciphertext: shown masked, searched by blind index."""

    phone_index_lookup = "customer__phone_index"
    list_display = [
        "number",
        "status",
        "channel",
        "brand",
        "category",
        "masked_contact_phone",
        "county_code",
        "created_at",
    ]
    list_filter = ["status", "channel", "priority", "brand", "category"]
    list_select_related = ["brand", "category"]
    search_fields = ["number"]
    search_help_text = _("按工单号或客户完整手机号搜索")
    date_hierarchy = "created_at"
    fields = [
        "number",
        "status",
        "channel",
        "priority",
        "brand",
        "category",
        "masked_contact_name",
        "masked_contact_phone",
        "masked_service_address",
        "county_code",
        "township_code",
        "attention",
        "technician",
        "service_point",
        "created_at",
    ]
    readonly_fields = cast("list[str]", fields)  # a flat list of names
    inlines = [EventInline]

    @admin.display(description=_("联系人"))
    def masked_contact_name(self, obj: WorkOrder) -> str:
        return mask_name(obj.contact_name)

    @admin.display(description=_("联系电话"))
    def masked_contact_phone(self, obj: WorkOrder) -> str:
        return mask_phone(obj.contact_phone)

    @admin.display(description=_("服务地址"))
    def masked_service_address(self, obj: WorkOrder) -> str:
        return mask_address(obj.service_address)

    def view_on_site(self, obj: WorkOrder) -> str:
        return reverse("workorders:detail", args=[obj.number])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
