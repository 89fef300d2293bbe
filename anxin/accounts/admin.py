from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from anxin.accounts.forms import AdminLoginForm
from anxin.accounts.models import ApiToken, User

# /admin/ signs in through the same lockouts as the staff page, and says so when locked.
admin.site.login_form = AdminLoginForm

# Groups come from django.contrib.auth; registered again so they use the theme's forms and lists.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin, ModelAdmin):
    pass


@admin.register(User)
class AnxinUserAdmin(UserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "display_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "display_name"]
    fieldsets = [*(UserAdmin.fieldsets or ()), (_("安心"), {"fields": ["role", "display_name", "brands"]})]
    filter_horizontal = ["brands", "groups", "user_permissions"]


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["token_hash", "prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
