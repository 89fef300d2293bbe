"""The checklist admin: a version with inspections is read-only; "new version" copies it for editing."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from anxin.accounts.models import User
from anxin.visits.models import ChecklistTemplate
from anxin.visits.tests.factories import inspection_fill, on_site_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return User.objects.create_superuser(username="root", password="pw-root-admin")


def test_a_version_in_use_is_frozen_and_copied_as_the_next_version(root, technician, product_model):
    order = on_site_order(technician=technician)
    used = inspection_fill(order=order, actor=technician.user).template
    model_admin = admin.site._registry[ChecklistTemplate]
    request = RequestFactory().get("/")
    request.user = root
    assert "active" not in model_admin.get_readonly_fields(request, used)
    assert "name" in model_admin.get_readonly_fields(request, used)
    inline = model_admin.get_inline_instances(request, used)[0]
    assert not inline.has_change_permission(request, used) and not inline.has_delete_permission(request, used)
    assert not model_admin.has_delete_permission(request, used)

    client = Client()
    client.force_login(root)
    response = client.post(
        "/admin/visits/checklisttemplate/", {"action": "new_version", "_selected_action": [used.pk]}
    )
    assert response.status_code == 302
    copy = ChecklistTemplate.objects.get(key=used.key, version=used.version + 1)
    assert copy.active is False
    assert list(copy.items.values_list("code", "min_value")) == list(
        used.items.values_list("code", "min_value")
    )
    assert client.get(f"/admin/visits/checklisttemplate/{copy.pk}/change/").status_code == 200
    assert model_admin.get_inline_instances(request, copy)[0].has_change_permission(request, copy)
