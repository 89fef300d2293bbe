from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from anxin.accounts.forms import AdminLoginForm
from anxin.accounts.models import ApiToken, User

# /admin/ signs in through the same lockouts as the staff page, and says so when locked.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class AnxinUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = [*(UserAdmin.fieldsets or ()), ("Anxin", {"fields": ["role", "display_name", "brands"]})]
    filter_horizontal = ["brands", "groups", "user_permissions"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash", "prefix", "created_at", "last_used_at"]
