"""The pricing API step by step, and across every role boundary."""

from __future__ import annotations

import json

import pytest

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.notifications.models import Job
from anxin.pricing.models import Approval
from anxin.pricing.tests.factories import order_at_quote, part_make, price_list_make, signature_data_url
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder


@pytest.fixture
def order(brand, category, technician):
    price_list_make(brand=brand, category=category)
    part_make(brand=brand)
    return order_at_quote(brand=brand, category=category, technician=technician)


@pytest.fixture
def call(api_client, token_for):
    def do(user, method, path, body=None):
        client = api_client(token_for(user)) if user is not None else api_client()
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
        return getattr(client, method)(f"/api/v1/pricing{path}", **kwargs)

    return do


def _owner(order) -> User:
    user = User.objects.create_user(username="owner", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=user)
    return user


def test_the_technician_builds_sends_and_the_customer_approves_through_the_api(order, technician, call):
    tech = technician.user
    number = order.number

    started = call(tech, "post", f"/orders/{number}/quote", {"fault_code": "E1", "distance_km": 20})
    added = call(
        tech,
        "post",
        f"/orders/{number}/quote/lines",
        {"kind": "part", "part_number": "HT-200", "part_code": "C-9"},
    )
    sent = call(tech, "post", f"/orders/{number}/quote/send", {"sms": True})
    revision = sent.json()["revision"]
    answered = call(
        _owner(order), "post", f"/orders/{number}/quote/answer",
        {"decision": "approved", "revision": revision, "signature": signature_data_url()},
    )  # fmt: skip
    paid = call(tech, "post", f"/orders/{number}/payments", {"method": "cash"})

    assert started.status_code == 200 and started.json()["state"] == "draft"
    assert added.status_code == 200 and added.json()["total"] == "275.00"
    assert sent.json()["state"] == "awaiting"
    assert Job.objects.filter(kind="anxin.pricing.tasks.quote_link_text").count() == 1
    assert answered.status_code == 200, answered.json()
    assert answered.json()["state"] == "approved" and answered.json()["approvals"][0]["method"] == "account"
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_REPAIR
    assert paid.status_code == 200 and paid.json()["amount"] == "275.00"


def test_a_price_above_the_list_is_a_409_naming_the_field(order, technician, call):
    call(technician.user, "post", f"/orders/{order.number}/quote", {"fault_code": "E1"})

    response = call(
        technician.user, "post", f"/orders/{order.number}/quote/lines",
        {"kind": "part", "part_number": "HT-200", "part_code": "C-1", "unit_price": "120.00"},
    )  # fmt: skip

    assert response.status_code == 409
    assert response.json() == {
        "error": "price_above_list",
        "detail": response.json()["detail"],
        "field": "unit_price",
    }


def test_the_brand_staffs_override_is_shown_with_who_and_why(order, technician, brand_staff, call):
    quote = call(technician.user, "post", f"/orders/{order.number}/quote", {"fault_code": "E1"}).json()
    labour = next(line for line in quote["lines"] if line["kind"] == "labour")

    response = call(
        brand_staff, "post", f"/orders/{order.number}/quote/lines/{labour['id']}/override",
        {"unit_price": "160.00", "reason": "高层住宅需吊装"},
    )  # fmt: skip

    line = next(li for li in response.json()["lines"] if li["kind"] == "labour")
    assert (line["above_list_price"], line["override_by"], line["override_reason"]) == (
        True,
        "brandstaff",
        "高层住宅需吊装",
    )


def test_the_customer_answers_from_the_sms_link_without_signing_in(order, technician, call):
    call(technician.user, "post", f"/orders/{order.number}/quote", {"fault_code": "E1"})
    sent = call(technician.user, "post", f"/orders/{order.number}/quote/send", {}).json()
    body = {"decision": "declined", "revision": sent["revision"], "note": "不修了", "token": "wrong"}

    wrong = call(None, "post", f"/orders/{order.number}/quote/answer-by-link", body)
    right = call(
        None, "post", f"/orders/{order.number}/quote/answer-by-link", {**body, "token": order.tracking_token}
    )

    assert wrong.status_code == 404
    assert right.status_code == 200 and right.json()["state"] == "declined"
    assert right.json()["amount_due"] == "50.00"
    assert Approval.objects.get().method == "link"


def test_the_public_price_list_needs_no_login(order, brand, call):
    response = call(None, "get", f"/brands/{brand.code}/prices")

    assert response.status_code == 200
    kinds = {line["kind"] for line in response.json()["lines"]}
    assert kinds == {"visit_fee", "labour", "distance"}


def _people(order, brand, category, other_brand, other_technician, outsider):
    other_staff = User.objects.create_user(username="otherstaff", role=Role.BRAND_STAFF)
    other_staff.brands.add(other_brand)
    stranger = User.objects.create_user(username="stranger", role=Role.CUSTOMER)
    other = order_at_quote(brand=brand, category=category, phone="13800000002")
    Customer.objects.filter(pk=other.customer_id).update(user=stranger)
    return {
        "technician of another order": other_technician.user,
        "another brand's staff": other_staff,
        "another customer": stranger,
        "an outsider": outsider,
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/quote", None),
        ("post", "/quote", {"fault_code": "E1"}),
        ("post", "/quote/lines", {"kind": "part", "part_number": "HT-200", "part_code": "X"}),
        ("post", "/quote/send", {}),
        ("post", "/quote/answer", {"decision": "declined", "revision": 1}),
        ("put", "/quote/distance", {"distance_km": 3}),
        ("get", "/payments", None),
        ("post", "/payments", {"method": "cash"}),
        ("post", "/payments/RC1/refunds", {"amount": "1", "reason": "x"}),
    ],
)
def test_no_one_outside_the_order_reaches_its_price(
    order, brand, category, other_brand, technician, other_technician, outsider, call, method, path, body
):
    call(technician.user, "post", f"/orders/{order.number}/quote", {"fault_code": "E1"})
    people = _people(order, brand, category, other_brand, other_technician, outsider)

    for who, user in people.items():
        response = call(user, method, f"/orders/{order.number}{path}", body)
        assert response.status_code == 404, (who, response.status_code)
        assert response.json()["error"] == "not_found"


def test_roles_that_see_the_order_but_lack_the_grant_hear_403(order, technician, agent, brand_staff, call):
    call(technician.user, "post", f"/orders/{order.number}/quote", {"fault_code": "E1"})

    by_agent = call(agent, "post", f"/orders/{order.number}/quote/send", {})
    by_staff = call(
        brand_staff, "post", f"/orders/{order.number}/quote/lines", {"kind": "labour", "fault_code": "E9"}
    )

    assert (by_agent.status_code, by_staff.status_code) == (403, 403)


def test_the_csv_import_answers_every_bad_line_with_line_and_field(brand, category, brand_staff, call):
    c = category.code
    csv = f"kind,category,fault_code,part_number,km_from,km_to,amount\nvisit_fee,{c},,,,,60\nlabour,{c},ZZ,,,,x\n"

    response = call(
        brand_staff,
        "post",
        "/price-lists/import",
        {"brand": brand.code, "effective_from": "2026-12-01", "csv": csv},
    )

    assert response.status_code == 422
    body = response.json()
    assert (body["error"], body["field"]) == ("invalid_csv", "csv")
    assert "第 3 行 amount" in body["detail"] and "第 3 行 fault_code" in body["detail"]
    assert "第 2 行" not in body["detail"]
