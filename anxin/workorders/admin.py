from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from anxin.core.masking import mask_address, mask_name, mask_phone
from anxin.customers.admin import PhoneSearchMixin
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.templatetags.workorders import attention_label, event_label, status_label


class EventInline(TabularInline):
    model = WorkOrderEvent
    fields = [
        "created_at",
        "event_name",
        "from_status_name",
        "to_status_name",
        "actor",
        "actor_label",
        "note",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    hide_title = True  # the row's str() repeats the columns

    @admin.display(description=_("事件"))
    def event_name(self, obj: WorkOrderEvent) -> str:
        return event_label(obj.event)

    @admin.display(description=_("原状态"))
    def from_status_name(self, obj: WorkOrderEvent) -> str:
        return status_label(obj.from_status) if obj.from_status else "-"

    @admin.display(description=_("新状态"))
    def to_status_name(self, obj: WorkOrderEvent) -> str:
        return status_label(obj.to_status) if obj.to_status else "-"

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
        "attention_names",
        "technician",
        "service_point",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [EventInline]

    @admin.display(description=_("提醒事项"))
    def attention_names(self, obj: WorkOrder) -> str:
        return "、".join(attention_label(reason) for reason in obj.attention or []) or "-"

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

    def has_change_permission(self, request: HttpRequest, obj: WorkOrder | None = None) -> bool:
        return False  # the change page is a read-only view

    def has_delete_permission(self, request: HttpRequest, obj: WorkOrder | None = None) -> bool:
        return False  # orders are cancelled or closed through the state machine, never deleted
