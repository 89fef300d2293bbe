"""/api/v1/parts across the role boundaries, with the project's error shape."""

from __future__ import annotations

import json

import pytest

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.parts import services
from anxin.parts.models import PartCodeAlert
from anxin.parts.tests.factories import assigned_order, make_codes, make_part


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def stocked(dispatcher, van, part, coded_part):
    services.stock_receive(location=van, part=part, quantity=3, actor=dispatcher)
    services.stock_receive(location=van, part=coded_part, quantity=3, actor=dispatcher)


@pytest.fixture
def client_of(api_client, token_for):
    return lambda user: api_client(token_for(user))


def test_the_technician_reserves_verifies_and_installs_on_his_order(
    client_of, technician, order, coded_part, stocked
):
    tech = client_of(technician.user)
    url = f"/api/v1/parts/orders/{order.number}"

    reserved = _post(tech, f"{url}/reservations", {"part": coded_part.pk})
    assert reserved.status_code == 201, reserved.json()
    rid = reserved.json()["id"]
    assert _post(tech, f"{url}/verify", {"part": coded_part.pk, "code": "lech-aaaa-0001"}).json()["valid"]
    installed = _post(
        tech, f"{url}/reservations/{rid}/install", {"code": "LECH-AAAA-0001", "removed_serial": "OLD-9"}
    )

    assert installed.status_code == 201, installed.json()
    body = installed.json()
    assert body["settled"] and body["installed"][0]["new_serial"] == "LECH-AAAA-0001"
    assert (
        body["installed"][0]["removed_serial"] == "OLD-9"
        and body["installed"][0]["return_state"] == "pending"
    )


def test_refused_codes_answer_the_error_shape_and_are_flagged(
    client_of, technician, order, coded_part, stocked, brand_staff
):
    tech = client_of(technician.user)
    url = f"/api/v1/parts/orders/{order.number}"
    unknown = _post(tech, f"{url}/verify", {"part": coded_part.pk, "code": "NOPE-1234-5678"})
    assert unknown.status_code == 422
    assert unknown.json() == {
        "error": "part_code_unknown",
        "detail": unknown.json()["detail"],
        "field": "code",
    }

    rid = _post(tech, f"{url}/reservations", {"part": coded_part.pk}).json()["id"]
    _post(tech, f"{url}/reservations/{rid}/install", {"code": "LECH-AAAA-0001"})
    used = _post(tech, f"{url}/verify", {"part": coded_part.pk, "code": "LECH-AAAA-0001"})
    assert (used.status_code, used.json()["error"]) == (409, "part_code_used")

    alerts = client_of(brand_staff).get("/api/v1/parts/alerts").json()
    assert [a["reason"] for a in alerts] == ["part_code_used", "part_code_unknown"]
    assert PartCodeAlert.objects.count() == 2


def test_the_customer_reads_only_the_installed_parts_of_his_own_order(
    client_of, technician, order, part, stocked
):
    reservation = services.stock_reserve(order=order, part=part, quantity=1, actor=technician.user)
    services.part_install(reservation=reservation, actor=technician.user, removed_serial="OLD-1")
    owner = User.objects.create_user(username="owner", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    stranger = User.objects.create_user(username="stranger", role=Role.CUSTOMER)

    mine = client_of(owner).get(f"/api/v1/parts/orders/{order.number}")
    assert mine.status_code == 200
    assert (
        mine.json()["reservations"] == [] and mine.json()["installed"][0]["part_number"] == part.part_number
    )
    assert (
        _post(
            client_of(owner), f"/api/v1/parts/orders/{order.number}/reservations", {"part": part.pk}
        ).status_code
        == 403
    )
    assert client_of(stranger).get(f"/api/v1/parts/orders/{order.number}").status_code == 404
    assert client_of(owner).get("/api/v1/parts/catalogue").status_code == 403


def test_the_technician_of_another_order_sees_nothing_of_it(
    client_of, other_technician, order, coded_part, stocked
):
    other = client_of(other_technician.user)
    url = f"/api/v1/parts/orders/{order.number}"
    assert other.get(url).status_code == 404
    assert _post(other, f"{url}/verify", {"part": coded_part.pk, "code": "LECH-AAAA-0001"}).status_code == 404
    assert _post(other, f"{url}/reservations", {"part": coded_part.pk}).status_code == 404
    assert PartCodeAlert.objects.count() == 0


def test_another_brands_staff_see_neither_its_parts_codes_alerts_nor_orders(
    client_of, technician, order, coded_part, other_brand, stocked
):
    services.part_code_verify(order=order, part=coded_part, code="LECH-AAAA-0001", actor=technician.user)
    try:
        services.part_code_verify(order=order, part=coded_part, code="BAD-000000", actor=technician.user)
    except Exception:  # noqa: BLE001 - the alert is what we want
        pass
    staff = User.objects.create_user(username="ce-staff", role=Role.BRAND_STAFF)
    staff.brands.add(other_brand)
    other = client_of(staff)

    assert other.get("/api/v1/parts/catalogue").json() == []
    assert other.get(f"/api/v1/parts/catalogue/{coded_part.pk}/codes").status_code == 404
    assert _post(other, f"/api/v1/parts/catalogue/{coded_part.pk}/codes", {"quantity": 1}).status_code == 404
    assert other.get("/api/v1/parts/alerts").json() == []
    assert other.get(f"/api/v1/parts/orders/{order.number}").status_code == 404


def test_an_outsider_and_an_anonymous_caller_are_refused(client_of, api_client, outsider, order, van):
    out = client_of(outsider)
    for path in ("/api/v1/parts/catalogue", "/api/v1/parts/alerts", "/api/v1/parts/returns"):
        assert out.get(path).status_code == 403, path
        assert api_client().get(path).status_code == 401, path
    assert out.get(f"/api/v1/parts/locations/{van.pk}/stock").status_code == 403
    assert out.get(f"/api/v1/parts/orders/{order.number}").status_code == 404


def test_stock_endpoints_follow_the_location_scope(
    client_of, dispatcher, technician, other_technician, part, warehouse, van
):
    disp = client_of(dispatcher)
    assert (
        _post(
            disp, f"/api/v1/parts/locations/{warehouse.pk}/receive", {"part": part.pk, "quantity": 5}
        ).status_code
        == 201
    )
    moved = _post(
        disp,
        f"/api/v1/parts/locations/{warehouse.pk}/transfer",
        {"part": part.pk, "target": van.pk, "quantity": 2},
    )
    assert moved.status_code == 201 and [m["kind"] for m in moved.json()] == ["transfer_out", "transfer_in"]
    too_many = _post(
        disp, f"/api/v1/parts/locations/{van.pk}/adjust", {"part": part.pk, "delta": -3, "reason": "盘亏"}
    )
    assert (too_many.status_code, too_many.json()["error"], too_many.json()["field"]) == (
        409,
        "stock_insufficient",
        "quantity",
    )

    tech = client_of(technician.user)
    assert tech.get(f"/api/v1/parts/locations/{van.pk}/stock").json()[0]["available"] == 2
    assert tech.get(f"/api/v1/parts/locations/{warehouse.pk}/stock").status_code == 404
    assert (
        _post(tech, f"/api/v1/parts/locations/{van.pk}/receive", {"part": part.pk, "quantity": 1}).status_code
        == 403
    )
    assert client_of(other_technician.user).get(f"/api/v1/parts/locations/{van.pk}/moves").status_code == 404


def test_bad_input_is_a_4xx_naming_the_field(client_of, dispatcher, part, warehouse):
    disp = client_of(dispatcher)
    zero = _post(disp, f"/api/v1/parts/locations/{warehouse.pk}/receive", {"part": part.pk, "quantity": 0})
    assert zero.status_code == 422 and zero.json()["field"] == "quantity"
    extra = _post(
        disp, f"/api/v1/parts/locations/{warehouse.pk}/receive", {"part": part.pk, "quantity": 1, "x": 1}
    )
    assert extra.status_code == 422


def test_brand_staff_import_parts_by_csv_with_per_line_errors(client_of, brand_staff, brand, product_model):
    staff = client_of(brand_staff)
    bad = "part_number,name,list_price,serialised,compatible_models\nLC-1,灯管,12.5,是,ZTP-108A\n,无编号,abc,maybe,NOPE\n"
    answer = _post(staff, "/api/v1/parts/catalogue/import", {"brand": brand.code, "csv": bad}).json()
    assert answer["saved"] is False and answer["created"] == 0
    assert {(e["line"], e["field"]) for e in answer["errors"]} == {
        (3, "part_number"), (3, "list_price"), (3, "serialised"), (3, "compatible_models"),
    }  # fmt: skip
    good = "part_number,name,list_price,serialised,compatible_models\nLC-1,灯管,12.5,是,ZTP-108A\nLC-2,门封,8,0,\n"
    answer = _post(staff, "/api/v1/parts/catalogue/import", {"brand": brand.code, "csv": good}).json()
    assert (answer["saved"], answer["created"]) == (True, 2)
    listed = staff.get("/api/v1/parts/catalogue").json()
    assert [(p["part_number"], p["serialised"], p["compatible_models"]) for p in listed] == [
        ("LC-1", True, ["ZTP-108A"]), ("LC-2", False, []),
    ]  # fmt: skip


def test_an_unserialised_part_gets_no_codes(client_of, brand_staff, part):
    refused = _post(client_of(brand_staff), f"/api/v1/parts/catalogue/{part.pk}/codes", {"quantity": 2})
    assert (refused.status_code, refused.json()["error"]) == (422, "part_not_serialised")


def test_returns_are_shipped_by_the_dispatcher_and_received_by_the_brand(
    client_of, dispatcher, brand_staff, technician, order, coded_part, stocked
):
    reservation = services.stock_reserve(order=order, part=coded_part, quantity=1, actor=technician.user)
    services.part_install(
        reservation=reservation, actor=technician.user, code="LECH-AAAA-0002", removed_serial="S1"
    )
    [row] = client_of(dispatcher).get("/api/v1/parts/returns").json()
    assert _post(client_of(brand_staff), f"/api/v1/parts/returns/{row['id']}/ship").status_code == 403
    shipped = _post(
        client_of(dispatcher), f"/api/v1/parts/returns/{row['id']}/ship", {"tracking_number": "SF1"}
    )
    assert shipped.json()["state"] == "shipped"
    assert (
        _post(client_of(brand_staff), f"/api/v1/parts/returns/{row['id']}/receive").json()["state"]
        == "received"
    )


def test_the_catalogue_list_takes_a_fixed_number_of_queries(
    client_of, dispatcher, brand, django_assert_max_num_queries
):
    for i in range(5):
        make_codes(make_part(brand, number=f"Q-{i}", serialised=True), f"QQQQ-0000-000{i}")
    disp = client_of(dispatcher)
    disp.get("/api/v1/parts/catalogue")  # warm the token cache
    with django_assert_max_num_queries(6):
        assert len(disp.get("/api/v1/parts/catalogue").json()) == 5


def test_another_order_of_the_same_technician_is_his(client_of, technician, coded_part, stocked):
    second = assigned_order(technician, phone="13800000077")
    assert client_of(technician.user).get(f"/api/v1/parts/orders/{second.number}").status_code == 200
