from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class AnxinAdminConfig(AdminConfig):
    """django.contrib.admin with our site as the default `admin.site` (Django's documented way to replace it)."""

    default_site = "anxin.admin_theme.sites.AnxinAdminSite"
