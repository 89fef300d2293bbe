"""The admin lists its apps in the order back-office people work through them, not by code point."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from anxin.admin_theme.sites import APP_ORDER, AnxinAdminSite

pytestmark = pytest.mark.django_db


def test_admin_site_is_ours():
    assert isinstance(admin.site, AnxinAdminSite)


def test_it_lists_orders_first_and_the_system_tables_last(django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_superuser(username="root", password="x")
    labels = [app["app_label"] for app in admin.site.get_app_list(request)]
    known = [label for label in labels if label in APP_ORDER]
    assert labels[0] == "workorders"
    assert known == sorted(known, key=APP_ORDER.index)
    assert (
        labels.index("dispatch")
        < labels.index("network")
        < labels.index("customers")
        < labels.index("evidence")
    )
    assert labels.index("catalog") < labels.index("accounts") < labels.index("core")


def test_the_index_page_shows_the_apps_in_that_order(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x"))
    html = client.get("/admin/").content.decode()
    assert html.index("/admin/workorders/") < html.index("/admin/dispatch/") < html.index("/admin/accounts/")
