from django.contrib import admin
from django.http import HttpRequest

from anxin.core.models import RevealLog


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "subject_type", "subject_id", "field", "reason", "ip_address"]
    list_filter = ["subject_type", "field"]

    def has_change_permission(self, request: HttpRequest, obj: RevealLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RevealLog | None = None) -> bool:
        return False
