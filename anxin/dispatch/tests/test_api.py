"""Dispatch API: offers, technician status and location, board, reassign/pin, slots — and who may do what."""

from __future__ import annotations

import pytest

from anxin.dispatch import services
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer, DispatchPin
from anxin.dispatch.tests.factories import always_on, order_new
from anxin.sla.services import sla_outbox_read
from anxin.workorders.choices import Status

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def near(near):
    return always_on(near)


@pytest.fixture
def far(far):
    return always_on(far)


@pytest.fixture
def offered(near, far):
    order = order_new("13800000200")
    sla_outbox_read()  # the SLA clocks start on the order's "created" event, read after commit
    offer = services.offer_for_new_order(order_id=order.pk)
    assert offer is not None and offer.technician == near
    return offer


def test_a_technician_lists_only_his_own_offers(offered, near, far, api_client, token_for):
    mine = api_client(token_for(near.user)).get("/api/v1/dispatch/offers")
    theirs = api_client(token_for(far.user)).get("/api/v1/dispatch/offers")
    assert mine.status_code == 200 and [o["number"] for o in mine.json()] == [offered.order.number]
    assert theirs.status_code == 200 and theirs.json() == []


def test_a_technician_accepts_his_offer(offered, near, api_client, token_for):
    response = api_client(token_for(near.user)).post(f"/api/v1/dispatch/offers/{offered.pk}/accept")
    assert response.status_code == 200, response.content
    assert response.json()["offer"]["state"] == OfferState.ACCEPTED
    offered.order.refresh_from_db()
    assert offered.order.status == Status.TECHNICIAN_ACCEPTED


def test_another_technician_cannot_see_or_answer_the_offer(offered, far, api_client, token_for):
    client = api_client(token_for(far.user))
    for action in ("accept", "decline"):
        response = client.post(f"/api/v1/dispatch/offers/{offered.pk}/{action}", data={}, content_type=JSON)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    offered.refresh_from_db()
    assert offered.state == OfferState.PENDING


def test_declining_through_the_api_hands_the_order_on(offered, near, far, api_client, token_for):
    response = api_client(token_for(near.user)).post(
        f"/api/v1/dispatch/offers/{offered.pk}/decline", data={"reason": "车坏了"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["handed_on"] is True
    assert response.json()["offer"]["state"] == OfferState.DECLINED
    assert DispatchOffer.objects.get(state=OfferState.PENDING).technician == far


def test_answering_twice_is_a_conflict(offered, near, api_client, token_for):
    client = api_client(token_for(near.user))
    assert client.post(f"/api/v1/dispatch/offers/{offered.pk}/accept").status_code == 200
    again = client.post(f"/api/v1/dispatch/offers/{offered.pk}/accept")
    assert again.status_code == 409 and again.json()["error"] == "offer_closed"


def test_a_technician_posts_his_location_and_status(near, api_client, token_for):
    client = api_client(token_for(near.user))
    located = client.post(
        "/api/v1/dispatch/technicians/me/location",
        data={"latitude": 39.93, "longitude": 116.45},
        content_type=JSON,
    )
    assert located.status_code == 200 and located.json()["last_latitude"] == 39.93
    near.refresh_from_db()
    assert near.last_located_at is not None

    status = client.post(
        "/api/v1/dispatch/technicians/me/status",
        data={"status": "available", "late_minutes": 30},
        content_type=JSON,
    )
    assert status.status_code == 200 and status.json()["available_from"] is not None

    bad = client.post(
        "/api/v1/dispatch/technicians/me/location",
        data={"latitude": 139.9, "longitude": 116.4},
        content_type=JSON,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "latitude"
    unknown = client.post(
        "/api/v1/dispatch/technicians/me/status", data={"status": "flying"}, content_type=JSON
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "status"


def test_only_technicians_have_a_location_to_post(dispatcher, api_client, token_for):
    response = api_client(token_for(dispatcher)).post(
        "/api/v1/dispatch/technicians/me/location",
        data={"latitude": 39.9, "longitude": 116.4},
        content_type=JSON,
    )
    assert response.status_code == 404


def test_the_dispatcher_reads_the_board(offered, point, dispatcher, api_client, token_for):
    response = api_client(token_for(dispatcher)).get(f"/api/v1/dispatch/board/{point.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    row = next(o for o in body["orders"] if o["number"] == offered.order.number)
    assert row["offered_to"] == offered.technician.employee_no and row["confirm_seconds_left"] > 0
    assert body["plan"]["engine"] in {"ortools", "greedy"}
    assert {r["technician"]["employee_no"] for r in body["routes"]} == {"T1001", "T1002"}


def test_the_dispatcher_reassigns_and_pins_through_the_api(offered, far, dispatcher, api_client, token_for):
    client = api_client(token_for(dispatcher))
    number = offered.order.number
    response = client.post(
        f"/api/v1/dispatch/orders/{number}/reassign", data={"technician": far.employee_no}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["technician"] == far.employee_no and response.json()["state"] == "pending"
    offered.refresh_from_db()
    assert offered.state == OfferState.WITHDRAWN

    pinned = client.post(f"/api/v1/dispatch/orders/{number}/pin")
    assert pinned.status_code == 200 and pinned.json()["technician"] == far.employee_no
    assert client.delete(f"/api/v1/dispatch/orders/{number}/pin").status_code == 204
    assert not DispatchPin.objects.exists()


def test_reassigning_to_a_technician_without_the_skill_is_refused(
    offered, point, dispatcher, api_client, token_for
):
    from anxin.dispatch.tests.factories import technician_make

    unskilled = technician_make(
        point, offered.order.brand, offered.order.category, employee_no="T9", lat=39.9, lng=116.4
    )
    unskilled.brands.clear()
    response = api_client(token_for(dispatcher)).post(
        f"/api/v1/dispatch/orders/{offered.order.number}/reassign",
        data={"technician": "T9"},
        content_type=JSON,
    )
    assert response.status_code == 409 and response.json()["error"] == "technician_unskilled"


def test_brand_staff_cannot_reassign_pin_or_read_the_board(
    offered, point, far, brand_staff, api_client, token_for
):
    client = api_client(token_for(brand_staff))
    number = offered.order.number
    assert client.get(f"/api/v1/dispatch/board/{point.pk}").status_code == 403
    reassign = client.post(
        f"/api/v1/dispatch/orders/{number}/reassign", data={"technician": far.employee_no}, content_type=JSON
    )
    assert reassign.status_code == 403 and reassign.json()["error"] == "forbidden"
    assert client.post(f"/api/v1/dispatch/orders/{number}/pin").status_code == 403
    assert client.get("/api/v1/dispatch/offers").json() == []
    offered.refresh_from_db()
    assert offered.state == OfferState.PENDING


def test_a_technician_cannot_reassign_or_read_the_board(offered, point, near, far, api_client, token_for):
    client = api_client(token_for(near.user))
    assert client.get(f"/api/v1/dispatch/board/{point.pk}").status_code == 403
    assert (
        client.post(
            f"/api/v1/dispatch/orders/{offered.order.number}/reassign",
            data={"technician": far.employee_no},
            content_type=JSON,
        ).status_code
        == 403
    )


def test_an_outsider_gets_nothing_anywhere(offered, point, outsider, api_client, token_for):
    client = api_client(token_for(outsider))
    number = offered.order.number
    assert client.get("/api/v1/dispatch/offers").json() == []
    assert client.post(f"/api/v1/dispatch/offers/{offered.pk}/accept").status_code == 404
    assert (
        client.post(f"/api/v1/dispatch/offers/{offered.pk}/decline", data={}, content_type=JSON).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/dispatch/technicians/me/location",
            data={"latitude": 1, "longitude": 1},
            content_type=JSON,
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/dispatch/technicians/me/status", data={"status": "off"}, content_type=JSON
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/dispatch/board/{point.pk}").status_code == 403
    assert (
        client.post(
            f"/api/v1/dispatch/orders/{number}/reassign", data={"technician": "T1001"}, content_type=JSON
        ).status_code
        == 403
    )
    assert client.post(f"/api/v1/dispatch/orders/{number}/pin").status_code == 403
    assert client.delete(f"/api/v1/dispatch/orders/{number}/pin").status_code == 403
    assert client.get(f"/api/v1/dispatch/orders/{number}/slots").status_code == 403
    assert (
        client.post(
            f"/api/v1/dispatch/orders/{number}/slot",
            data={"start": "2030-01-01T10:00:00+08:00"},
            content_type=JSON,
        ).status_code
        == 403
    )


def test_anonymous_callers_are_unauthenticated(offered, api_client):
    response = api_client().get("/api/v1/dispatch/offers")
    assert response.status_code == 401 and response.json()["error"] == "unauthenticated"


def test_an_agent_books_a_slot_the_plan_can_keep(offered, agent, api_client, token_for):
    client = api_client(token_for(agent))
    number = offered.order.number
    slots = client.get(f"/api/v1/dispatch/orders/{number}/slots")
    assert slots.status_code == 200 and slots.json()
    chosen = slots.json()[-1]
    booked = client.post(
        f"/api/v1/dispatch/orders/{number}/slot", data={"start": chosen["start"]}, content_type=JSON
    )
    assert booked.status_code == 200, booked.content
    assert booked.json()["appointment_start"][:16] == chosen["start"][:16]
    refused = client.post(
        f"/api/v1/dispatch/orders/{number}/slot",
        data={"start": "2030-01-01T03:00:00+08:00"},
        content_type=JSON,
    )
    assert refused.status_code == 409 and refused.json()["error"] == "slot_unavailable"


def test_the_offer_list_costs_the_same_queries_however_many_offers(
    near, far, dispatcher, api_client, token_for, django_assert_num_queries
):
    client = api_client(token_for(dispatcher))
    services.offer_for_new_order(order_id=order_new("13800000210").pk)
    client.get("/api/v1/dispatch/offers")  # token touched once a minute (and cached): not counted
    with django_assert_num_queries(1):  # the offers with order, brand, category, technician, user
        one = client.get("/api/v1/dispatch/offers")
    for phone in ("13800000211", "13800000212"):
        services.offer_for_new_order(order_id=order_new(phone).pk)
    with django_assert_num_queries(1):
        three = client.get("/api/v1/dispatch/offers")
    assert len(one.json()) == 1 and len(three.json()) == 3


def test_reading_the_board_neither_solves_nor_writes_and_asks_the_worker_to_re_plan(
    offered, point, dispatcher, api_client, token_for, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anxin.dispatch.models import DispatchPlan
    from anxin.dispatch.services import board, plans

    # Given a stored plan that no longer fits: a new order arrived since it was made
    waiting = order_new("13800000201")
    stored_before = list(DispatchPlan.objects.values_list("pk", "version", "signature"))
    assert stored_before

    def solver_called(*args, **kwargs):
        raise AssertionError("the board ran the solver on a GET")

    monkeypatch.setattr(plans, "plan_compute", solver_called)
    asked = []
    monkeypatch.setattr(board, "plan_refresh_later", lambda **kw: asked.append(kw), raising=False)

    # When the dispatcher reads the board
    with CaptureQueriesContext(connection) as queries:
        response = api_client(token_for(dispatcher)).get(f"/api/v1/dispatch/board/{point.pk}")

    # Then the stored plan is shown as it is, nothing is written, and the worker re-plans later
    assert response.status_code == 200, response.content
    assert waiting.number in {o["number"] for o in response.json()["orders"]}
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert [w for w in writes if "dispatch_" in w or "workorders_" in w] == []
    assert list(DispatchPlan.objects.values_list("pk", "version", "signature")) == stored_before
    assert asked == [{"service_point_id": point.pk, "day": asked[0]["day"], "trigger": "stale"}]
