"""The moved models are edited in the admin under network (their admin pages left dispatch and areas)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from anxin.network.models import CoverageArea, ServicePoint, Technician

pytestmark = pytest.mark.django_db


def test_service_points_technicians_and_coverage_are_registered_under_network():
    for model in (ServicePoint, Technician, CoverageArea):
        assert admin.site.is_registered(model)
        assert model._meta.app_label == "network"


def test_a_superuser_opens_the_moved_models_admin_lists(django_user_model, technician):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-123"))
    for name in ("servicepoint", "technician", "coveragearea"):
        assert client.get(f"/admin/network/{name}/").status_code == 200
    assert client.get(f"/admin/network/technician/{technician.pk}/change/").status_code == 200
