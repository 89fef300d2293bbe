from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from anxin.core.models import RevealLog


@admin.register(RevealLog)
class RevealLogAdmin(ModelAdmin):
    """The audit of who saw unmasked data: read-only, never deleted."""

    list_display = ["created_at", "actor", "subject_type", "subject_id", "field", "reason", "ip_address"]
    list_filter = ["subject_type", "field"]
    search_fields = ["subject_id", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RevealLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RevealLog | None = None) -> bool:
        return False
