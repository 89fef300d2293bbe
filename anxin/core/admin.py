from django.contrib import admin

from anxin.core.models import RevealLog


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "subject_type", "subject_id", "field", "reason", "ip_address"]
    list_filter = ["subject_type", "field"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
