from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from anxin.trust.models import FakeChannelReport, OfficialChannel, SuspectChannel, SuspectChannelEvent
from anxin.trust.services import official_channel_save


@admin.register(OfficialChannel)
class OfficialChannelAdmin(ModelAdmin):
    """What /verify/ calls official: numbers and addresses beside the brands' hotlines."""

    list_display = ["value", "kind", "brand", "label", "normalized", "is_active"]
    list_filter = ["kind", "is_active", "brand"]
    search_fields = ["value", "normalized", "label"]
    readonly_fields = ["normalized"]

    def save_model(self, request: HttpRequest, obj: OfficialChannel, form: Any, change: bool) -> None:
        official_channel_save(channel=obj)  # keeps the normal form in step with the value


class ReportInline(TabularInline):
    model = FakeChannelReport
    extra = 0
    can_delete = False
    fields = ["created_at", "where_seen", "note", "screenshot_link"]
    readonly_fields = fields

    @admin.display(description=_("截图"))
    def screenshot_link(self, obj: FakeChannelReport) -> str:
        if not obj.screenshot:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("trust:report_screenshot", args=[obj.pk]),
            _("查看"),
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(TabularInline):
    model = SuspectChannelEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SuspectChannel)
class SuspectChannelAdmin(ModelAdmin):
    """Verdicts go through the review page (trust:reports), which records them; here they are read-only."""

    list_display = [
        "__str__",
        "kind",
        "brand",
        "status",
        "report_count",
        "first_reported_at",
        "last_reported_at",
    ]
    list_filter = ["status", "kind", "brand"]
    readonly_fields = [
        "kind",
        "value",
        "brand",
        "status",
        "report_count",
        "first_reported_at",
        "last_reported_at",
    ]
    exclude = ["value_index"]
    inlines = [ReportInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def view_on_site(self, obj: SuspectChannel) -> str:
        return f"{reverse('trust:reports')}#suspect-{obj.pk}"
