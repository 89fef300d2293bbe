"""Checklists in the back office. A version that inspections refer to is read-only (it is what those
visits were judged against); "new version" copies it for editing."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from anxin.visits.models import ChecklistItem, ChecklistTemplate
from anxin.visits.services import template_in_use, template_new_version


class ChecklistItemInline(TabularInline):
    model = ChecklistItem
    extra = 0
    fields = [
        "position", "code", "label", "label_en", "kind", "unit", "min_value", "max_value", "options",
        "required", "severity", "fix", "fix_en", "hint",
    ]  # fmt: skip
    ordering = ["position", "id"]

    def _frozen(self, obj: ChecklistTemplate | None) -> bool:
        return obj is not None and template_in_use(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ModelAdmin):
    list_display = ["name", "key", "version", "kind", "category", "brand", "product_model", "active"]
    list_filter = ["kind", "category", "brand", "active"]
    list_select_related = ["category", "brand", "product_model"]
    search_fields = ["name", "key"]
    inlines = [ChecklistItemInline]
    actions = ["new_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: ChecklistTemplate | None = None) -> list[str]:
        if obj is not None and template_in_use(obj):
            # Only switching it off stays possible: a frozen version can still be retired.
            return [f.name for f in ChecklistTemplate._meta.fields if f.name != "active"]
        return ["created_at", "updated_at"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: ChecklistTemplate | None = None) -> bool:
        return (obj is None or not template_in_use(obj)) and super().has_delete_permission(request, obj)

    @admin.action(description=_("复制为新版本（未启用，可编辑）"), permissions=["add"])
    def new_version(self, request: HttpRequest, queryset: QuerySet[ChecklistTemplate]) -> None:
        made = [template_new_version(template=t) for t in queryset]
        self.message_user(
            request,
            gettext("已创建新版本：%(names)s") % {"names": "、".join(str(t) for t in made)},
            messages.SUCCESS,
        )
