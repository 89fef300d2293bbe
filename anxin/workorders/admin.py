from typing import cast

from django.contrib import admin
from django.http import HttpRequest

from anxin.workorders.models import WorkOrder, WorkOrderEvent


class EventInline(admin.TabularInline):
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
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-only in the back office: status changes go through the state machine (order pages / API)."""

    list_display = ["number", "status", "channel", "brand", "category", "county_code", "created_at"]
    list_filter = ["status", "channel", "brand"]
    search_fields = ["number"]
    fields = [
        "number",
        "status",
        "channel",
        "brand",
        "category",
        "county_code",
        "township_code",
        "attention",
        "technician",
        "created_at",
    ]
    readonly_fields = cast("list[str]", fields)  # a flat list of names
    inlines = [EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
