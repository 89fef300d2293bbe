"""Pages: the board for dispatchers only, the technician's phone page, the customer's slot picker."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.dispatch import services
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.tests.factories import SHANGHAI, always_on, order_new
from anxin.network.choices import TechnicianStatus
from anxin.workorders.choices import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def near(near):
    return always_on(near)


@pytest.fixture
def far(far):
    return always_on(far)


@pytest.fixture
def offered(near, far):
    order = order_new("13800000300")
    return services.offer_for_new_order(order_id=order.pk)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_board_shows_waiting_orders_with_their_clock_and_technician(offered, point, dispatcher):
    response = _client(dispatcher).get(f"/dispatch/board/?sp={point.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="order-{offered.order.number}"' in html and "sla-left" in html
    assert 'class="offered-to"' in html and str(offered.technician.user) in html
    assert 'data-technician="T1001"' in html and 'id="dispatch-map"' in html


def test_the_board_fragment_is_served_to_htmx(offered, point, dispatcher):
    response = _client(dispatcher).get(f"/dispatch/board/?sp={point.pk}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="board"') and "<html" not in html


def test_the_board_is_for_dispatchers_and_admins_only(point, agent, brand_staff, near, outsider, admin_user):
    assert _client(admin_user).get("/dispatch/board/").status_code == 200
    for user in (agent, brand_staff, near.user, outsider):
        assert _client(user).get("/dispatch/board/").status_code == 403
    assert Client().get("/dispatch/board/").status_code == 302  # to the login page


def test_reassigning_from_the_board_offers_the_order_to_the_chosen_technician(offered, far, dispatcher):
    response = _client(dispatcher).post(
        f"/dispatch/board/orders/{offered.order.number}/reassign/",
        {"technician": far.employee_no},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="board"' in response.content.decode()
    pending = DispatchOffer.objects.get(state=OfferState.PENDING)
    assert pending.technician == far and pending.offered_by == dispatcher


def test_brand_staff_cannot_reassign_from_the_board(offered, far, brand_staff):
    response = _client(brand_staff).post(
        f"/dispatch/board/orders/{offered.order.number}/reassign/",
        {"technician": far.employee_no},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    assert DispatchOffer.objects.get(state=OfferState.PENDING).technician == offered.technician


def test_a_technician_accepts_on_his_phone_page_and_works_the_visit(offered, near):
    client = _client(near.user)
    page = client.get("/dispatch/me/").content.decode()
    assert f'data-offer="{offered.pk}"' in page

    client.post(f"/dispatch/me/offers/{offered.pk}/", {"action": "accept"})
    offered.order.refresh_from_db()
    assert offered.order.status == Status.TECHNICIAN_ACCEPTED
    page = client.get("/dispatch/me/").content.decode()
    assert f'data-job="{offered.order.number}"' in page and 'data-step="depart"' in page

    client.post(f"/dispatch/me/orders/{offered.order.number}/", {"event": "depart"})
    offered.order.refresh_from_db()
    near.refresh_from_db()
    assert offered.order.status == Status.EN_ROUTE and near.status == TechnicianStatus.EN_ROUTE


def test_a_technician_cannot_answer_someone_elses_offer_on_the_page(offered, far):
    response = _client(far.user).post(f"/dispatch/me/offers/{offered.pk}/", {"action": "accept"})
    assert response.status_code == 404
    offered.refresh_from_db()
    assert offered.state == OfferState.PENDING


def test_the_phone_shares_its_location_and_status(near):
    client = _client(near.user)
    response = client.post(
        "/dispatch/me/location/", {"latitude": "39.95", "longitude": "116.40"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["located_at"]
    assert (
        client.post("/dispatch/me/location/", {"latitude": "x"}, HTTP_ACCEPT="application/json").status_code
        == 422
    )
    client.post("/dispatch/me/status/", {"status": "off"})
    near.refresh_from_db()
    assert (near.last_latitude, near.status) == (39.95, TechnicianStatus.OFF)


def test_the_phone_page_is_for_technicians(dispatcher, outsider):
    assert _client(dispatcher).get("/dispatch/me/").status_code == 404
    assert _client(outsider).get("/dispatch/me/").status_code == 404


def test_the_customer_books_a_slot_from_the_tracking_link(offered):
    order = offered.order
    client = Client()
    track = client.get(f"/track/{order.number}/?t={order.tracking_token}").content.decode()
    assert f"/dispatch/slots/{order.number}/?t={order.tracking_token}" in track

    page = client.get(f"/dispatch/slots/{order.number}/?t={order.tracking_token}").content.decode()
    assert 'name="start"' in page
    start = page.split('name="start" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"/dispatch/slots/{order.number}/", {"start": start, "t": order.tracking_token})

    assert response.status_code == 302 and response["Location"].startswith(f"/track/{order.number}/?t=")
    order.refresh_from_db()
    assert order.appointment_start is not None and order.events.filter(event="appointment_set").exists()
    track = client.get(response["Location"]).content.decode()
    assert (
        'id="appointment"' in track
        and order.appointment_start.astimezone(SHANGHAI).strftime("%H:%M") in track
    )


def test_the_slot_page_needs_the_token_or_the_customers_login(offered, outsider, far):
    number = offered.order.number
    assert Client().get(f"/dispatch/slots/{number}/?t=wrong").status_code == 404
    assert Client().get(f"/dispatch/slots/{number}/").status_code == 404
    assert _client(outsider).get(f"/dispatch/slots/{number}/").status_code == 403
    assert _client(far.user).get(f"/dispatch/slots/{number}/").status_code == 403


def test_the_order_page_shows_suggestions_and_offers(offered, dispatcher, brand_staff):
    number = offered.order.number
    detail = _client(dispatcher).get(f"/orders/{number}/").content.decode()
    assert f"/dispatch/orders/{number}/panel/" in detail
    panel = (
        _client(dispatcher).get(f"/dispatch/orders/{number}/panel/", HTTP_HX_REQUEST="true").content.decode()
    )
    assert 'id="offers"' in panel and str(offered.technician.user) in panel
    assert (
        _client(brand_staff).get(f"/dispatch/orders/{number}/panel/", HTTP_HX_REQUEST="true").status_code
        == 403
    )


@pytest.mark.parametrize("stored_plan", ["stale", "none"])
def test_the_board_page_neither_solves_nor_writes_on_a_get(
    stored_plan, offered, point, dispatcher, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anxin.dispatch.engine import planner
    from anxin.dispatch.models import DispatchPlan
    from anxin.dispatch.services import board, plans

    # Given a stored plan that no longer fits (a new order came in), or no plan at all
    waiting = order_new("13800000301")
    if stored_plan == "none":
        DispatchPlan.objects.all().delete()
    plans_before = list(DispatchPlan.objects.values_list("pk", "version", "signature"))
    client = _client(dispatcher)

    def solver_called(*args, **kwargs):
        raise AssertionError("the board ran the solver on a GET")

    for module, name in ((plans, "plan_compute"), (plans, "plan_day"), (planner, "plan_day")):
        monkeypatch.setattr(module, name, solver_called)
    asked = []
    monkeypatch.setattr(board, "plan_refresh_later", lambda **kw: asked.append(kw))

    # When the dispatcher opens the board (page and htmx fragment)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        page = client.get(f"/dispatch/board/?sp={point.pk}")
        fragment = client.get(f"/dispatch/board/?sp={point.pk}", HTTP_HX_REQUEST="true")

    # Then it shows the orders, writes no row of any table, and leaves re-planning to the worker
    assert page.status_code == fragment.status_code == 200
    assert f'id="order-{waiting.number}"' in page.content.decode()
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert callbacks == []
    assert list(DispatchPlan.objects.values_list("pk", "version", "signature")) == plans_before
    assert [kw["trigger"] for kw in asked] == ["stale", "stale"]
