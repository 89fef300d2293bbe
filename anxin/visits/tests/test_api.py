"""The visit over the API: the whole step list for the technician, and every role boundary."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.visits.choices import VisitKind
from anxin.visits.tests.factories import inspection_fill, jpeg_bytes, on_site_order, passing_value

pytestmark = pytest.mark.django_db
BASE = "/api/v1/visits/orders"


@pytest.fixture
def order(technician, product_model):
    order = on_site_order(technician=technician)
    owner = User.objects.create_user(username="owner", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    return order


@pytest.fixture
def as_user(api_client, token_for):
    return lambda user: api_client(token_for(user))


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_technician_walks_every_step(order, technician, as_user):
    client = as_user(technician.user)
    templates = client.get(f"{BASE}/{order.number}/templates").json()
    inspection_template = next(t for t in templates if t["kind"] == "inspection")
    assert inspection_template["key"] == "disinfection-cabinet-inspection"
    started = _post(client, f"{BASE}/{order.number}/inspections", {"template_id": inspection_template["id"]})
    assert started.status_code == 201, started.content
    run = started.json()["id"]

    out = _put(client, f"{BASE}/{order.number}/inspections/{run}/items/chamber_temp", {"value": 101})
    row = next(i for i in out.json()["items"] if i["code"] == "chamber_temp")
    assert (row["value"], row["out_of_range"], row["failed"]) == ("101 °C", True, True)

    early = client.post(f"{BASE}/{order.number}/inspections/{run}/complete")
    assert (early.status_code, early.json()["error"], early.json()["field"]) == (
        409,
        "checklist_incomplete",
        "items",
    )

    from anxin.visits.models import ChecklistItem

    for item in ChecklistItem.objects.filter(template_id=inspection_template["id"]).exclude(
        code="chamber_temp"
    ):
        if item.kind == "photo":
            photo = {
                "role": "item",
                "inspection_id": run,
                "item_code": item.code,
                "file": SimpleUploadedFile("i.jpg", jpeg_bytes(), "image/jpeg"),
            }
            assert client.post(f"{BASE}/{order.number}/photos", photo).status_code == 201
            continue
        value = passing_value(item)
        value = str(value) if not isinstance(value, bool) else value
        assert (
            _put(
                client, f"{BASE}/{order.number}/inspections/{run}/items/{item.code}", {"value": value}
            ).status_code
            == 200
        )
    done = client.post(f"{BASE}/{order.number}/inspections/{run}/complete")
    assert done.json()["status"] == "completed"
    again = _put(client, f"{BASE}/{order.number}/inspections/{run}/items/chamber_temp", {"value": 130})
    assert (again.status_code, again.json()["error"]) == (409, "inspection_completed")

    for role in ("before", "after"):
        upload = client.post(
            f"{BASE}/{order.number}/photos",
            {"role": role, "file": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")},
        )
        assert upload.status_code == 201 and upload.json()["url"].startswith(
            f"/orders/{order.number}/attachments/"
        )
    assert sorted(p["role"] for p in client.get(f"{BASE}/{order.number}/photos").json()) == [
        "after",
        "before",
        "item",
    ]

    codes = client.get(f"{BASE}/{order.number}/fault-codes").json()
    assert codes[0]["code"] == "E1"
    diagnosis = _put(
        client, f"{BASE}/{order.number}/diagnosis", {"fault_codes": ["E1"], "cause": "温度传感器开路"}
    )
    assert diagnosis.status_code == 200 and diagnosis.json()["fault_codes"][0]["code"] == "E1"
    assert client.get(f"{BASE}/{order.number}/diagnosis").json()["cause"] == "温度传感器开路"
    advice = client.get(f"{BASE}/{order.number}/advice").json()
    assert "dc-temperature-low" in {a["key"] for a in advice}
    assert client.get(f"{BASE}/{order.number}/assessment").status_code == 404  # no security assessment


@pytest.mark.parametrize(
    ("body", "field"),
    [({"template_id": "x"}, "template_id"), ({"template_id": 1, "extra": 1}, "extra"), ({}, "template_id")],
)
def test_bad_input_is_a_4xx_naming_the_field(order, technician, as_user, body, field):
    response = _post(as_user(technician.user), f"{BASE}/{order.number}/inspections", body)
    assert 400 <= response.status_code < 500
    assert field in json.dumps(response.json())


def test_a_template_of_another_category_is_not_found_for_this_order(order, technician, as_user):
    from anxin.visits.models import ChecklistTemplate

    safe = ChecklistTemplate.objects.get(key="safe-inspection")
    response = _post(as_user(technician.user), f"{BASE}/{order.number}/inspections", {"template_id": safe.pk})
    assert (response.status_code, response.json()["field"]) == (404, "template_id")


def test_the_security_assessment_answers_its_score(technician, as_user, brand, category):
    from anxin.catalog.models import Brand, ProductCategory, ProductModel
    from anxin.visits.services import standards_load

    standards_load()
    changerte = Brand.objects.create(code="changerte", name="昌尔特")
    heater = ProductCategory.objects.get(code="water-heater")
    ProductModel.objects.create(brand=changerte, category=heater, code="CRT-JSQ24", name="燃气热水器 12L")
    order = on_site_order(
        technician=technician, brand="昌尔特", category="热水器", model="CRT-JSQ24", phone="13800000099"
    )
    inspection_fill(
        order=order,
        actor=technician.user,
        kind=VisitKind.SECURITY,
        answers={"gas_leak": False, "co_ppm": "60"},
    )
    body = as_user(technician.user).get(f"{BASE}/{order.number}/assessment").json()
    assert [f["code"] for f in body["findings"]] == ["gas_leak", "co_ppm"]
    assert body["level"] == "high" and 0 < body["score"] < 100


# --- role boundaries --------------------------------------------------------------------------------


@pytest.fixture
def strangers(other_technician, other_brand):
    staff = User.objects.create_user(username="otherstaff", role=Role.BRAND_STAFF)
    staff.brands.add(other_brand)
    customer = User.objects.create_user(username="stranger", role=Role.CUSTOMER)
    Customer.objects.create(user=customer, name="李四")
    return {"technician of another order": other_technician.user, "another brand's staff": staff,
            "another customer": customer}  # fmt: skip


READS = ["templates", "inspections", "photos", "fault-codes", "advice"]


def test_people_outside_the_order_hear_404_and_roles_without_the_grant_403(
    order, technician, strangers, outsider, as_user, brand_staff
):
    run = inspection_fill(order=order, actor=technician.user, complete=False)
    for who, user in strangers.items():
        client = as_user(user)
        for path in READS:
            assert client.get(f"{BASE}/{order.number}/{path}").status_code == 404, (who, path)
        assert client.get(f"{BASE}/{order.number}/inspections/{run.pk}").status_code == 404, who
    # Writing is the assigned technician's: another technician hears 404, other roles 403 before any lookup.
    writes = [
        lambda c: _post(c, f"{BASE}/{order.number}/inspections", {"template_id": run.template_id}),
        lambda c: _put(c, f"{BASE}/{order.number}/inspections/{run.pk}/items/uv_lamp", {"value": True}),
        lambda c: c.post(f"{BASE}/{order.number}/inspections/{run.pk}/complete"),
        lambda c: c.post(
            f"{BASE}/{order.number}/photos",
            {"role": "before", "file": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")},
        ),
        lambda c: _put(c, f"{BASE}/{order.number}/diagnosis", {"fault_codes": ["E1"]}),
    ]
    for write in writes:
        assert write(as_user(strangers["technician of another order"])).status_code == 404
        for user in (
            strangers["another brand's staff"],
            strangers["another customer"],
            brand_staff,
            outsider,
        ):
            assert write(as_user(user)).status_code == 403
    outsider_client = as_user(outsider)
    for path in READS:
        response = outsider_client.get(f"{BASE}/{order.number}/{path}")
        assert (response.status_code, response.json()["error"]) == (403, "forbidden")


def test_the_brands_staff_and_the_orders_customer_read_the_results(order, technician, brand_staff, as_user):
    inspection_fill(order=order, actor=technician.user, answers={"door_seal": "aged"})
    owner = User.objects.get(username="owner")
    for user in (brand_staff, owner):
        runs = as_user(user).get(f"{BASE}/{order.number}/inspections").json()
        seal = next(i for i in runs[0]["items"] if i["code"] == "door_seal")
        assert seal["failed"] is True
        assert "dc-door-seal" in {a["key"] for a in as_user(user).get(f"{BASE}/{order.number}/advice").json()}


def test_without_a_token_it_is_401(order, api_client):
    assert api_client().get(f"{BASE}/{order.number}/inspections").status_code == 401


def test_every_step_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/visits/orders/{number}/templates": {"get"},
        "/api/v1/visits/orders/{number}/inspections": {"get", "post"},
        "/api/v1/visits/orders/{number}/inspections/{inspection_id}": {"get"},
        "/api/v1/visits/orders/{number}/inspections/{inspection_id}/items/{item_code}": {"put"},
        "/api/v1/visits/orders/{number}/inspections/{inspection_id}/complete": {"post"},
        "/api/v1/visits/orders/{number}/photos": {"get", "post"},
        "/api/v1/visits/orders/{number}/fault-codes": {"get"},
        "/api/v1/visits/orders/{number}/diagnosis": {"get", "put"},
        "/api/v1/visits/orders/{number}/assessment": {"get"},
        "/api/v1/visits/orders/{number}/advice": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert "404" in paths[path][method]["responses"], (path, method)


def test_reading_a_run_costs_the_same_however_many_items_are_answered(
    order, technician, as_user, django_assert_max_num_queries
):
    client = as_user(technician.user)
    run = inspection_fill(order=order, actor=technician.user, complete=False)
    client.get(f"{BASE}/{order.number}/inspections")  # the token's first use is stamped once
    with django_assert_max_num_queries(12):  # token, order, runs, then items, results, photos per run
        response = client.get(f"{BASE}/{order.number}/inspections/{run.pk}")
    assert len(response.json()["items"]) == run.template.items.count()
