"""The completion page and endpoint: requirements ticked, the customer's signature, every role boundary."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.testing.visits import photo_jpeg, signature_data_url, visit_diagnose, visit_price
from anxin.visits.models import SignOff
from anxin.visits.services import photo_add
from anxin.visits.tests.factories import on_site_order
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
BASE = "/api/v1/visits/orders"


@pytest.fixture
def owner(db):
    return User.objects.create_user(username="owner", role=Role.CUSTOMER)


@pytest.fixture
def order(technician, product_model, owner):
    """In repair (in warranty), everything done but the after-photo and the sign-off."""
    order = on_site_order(technician=technician)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    tech = technician.user
    return visit_price(order=visit_diagnose(order=order, actor=tech), actor=tech)


@pytest.fixture
def as_user(api_client, token_for):
    return lambda user: api_client(token_for(user))


def _complete(client, number, body):
    return client.post(f"{BASE}/{number}/complete", json.dumps(body), content_type="application/json")


def test_the_api_names_what_is_missing_then_completes(order, technician, as_user):
    client = as_user(technician.user)
    listed = client.get(f"{BASE}/{order.number}/completion").json()
    assert {r["key"]: r["met"] for r in listed["requirements"]}["after_photo"] is False

    refused = _complete(client, order.number, {"signature": signature_data_url()})
    assert refused.status_code == 409
    assert (refused.json()["error"], refused.json()["field"]) == ("completion_incomplete", "after_photo")
    assert "维修后照片" in refused.json()["detail"]

    photo_add(actor=technician.user, order=order, role="after", data=photo_jpeg(), filename="a.jpg")
    done = _complete(client, order.number, {"signature": signature_data_url()})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == Status.COMPLETED and done.json()["signed_off_at"]
    assert all(r["met"] for r in done.json()["requirements"])


def test_the_api_refuses_a_missing_signature_and_an_unknown_reason_naming_the_field(
    order, technician, as_user
):
    photo_add(actor=technician.user, order=order, role="after", data=photo_jpeg(), filename="a.jpg")
    client = as_user(technician.user)
    missing = _complete(client, order.number, {})
    assert (missing.status_code, missing.json()["error"], missing.json()["field"]) == (
        422,
        "signature_required",
        "signature",
    )
    unknown = _complete(client, order.number, {"no_signature_reason": "busy"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "no_signature_reason"
    absent = _complete(client, order.number, {"no_signature_reason": "customer_absent"})
    assert absent.status_code == 200 and absent.json()["status"] == Status.COMPLETED


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("other_technician", 404),
        ("dispatcher", 403),
        ("agent", 403),
        ("brand_staff", 403),
        ("owner", 403),
        ("outsider", 403),
    ],
)
def test_only_the_assigned_technician_may_complete(order, technician, as_user, who, expected, request):
    photo_add(actor=technician.user, order=order, role="after", data=photo_jpeg(), filename="a.jpg")
    fixture = request.getfixturevalue(who)
    user = fixture.user if hasattr(fixture, "user") else fixture
    answer = _complete(as_user(user), order.number, {"signature": signature_data_url()})
    assert answer.status_code == expected, answer.content
    assert "error" in answer.json()
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_REPAIR


def test_the_page_ticks_the_requirements_and_takes_the_signature(order, technician):
    client = Client()
    client.force_login(technician.user)
    page = client.get(f"/visits/{order.number}/complete/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-requirement="after_photo" data-met="0"' in html and "complete-form" in html

    refused = client.post(f"/visits/{order.number}/complete/", {"signature": signature_data_url()})
    assert refused.status_code == 409 and "维修后照片" in refused.content.decode()

    photo_add(actor=technician.user, order=order, role="after", data=photo_jpeg(), filename="a.jpg")
    done = client.post(f"/visits/{order.number}/complete/", {"signature": signature_data_url()}, follow=True)
    assert done.status_code == 200 and 'id="signoff-done"' in done.content.decode()
    assert SignOff.objects.get(order=order).signature_sha256
    assert WorkOrder.objects.get(pk=order.pk).status == Status.COMPLETED


def test_the_page_is_read_only_for_others_who_see_the_order(order, dispatcher):
    client = Client()
    client.force_login(dispatcher)
    page = client.get(f"/visits/{order.number}/complete/")
    assert page.status_code == 200 and "complete-form" not in page.content.decode()
