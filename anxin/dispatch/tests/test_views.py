"""Pages: the board for dispatchers only, the technician's phone page, the customer's slot picker."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.dispatch import services
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.tests.factories import SHANGHAI, cover, order_new, skilled
from anxin.network.choices import TechnicianStatus
from anxin.workorders.choices import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_plans(settings):
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.2


def _always_on(tech):  # type: ignore[no-untyped-def]
    tech.work_days, tech.shift_start, tech.shift_end = "1234567", "00:00", "23:59"
    tech.save()
    return tech


@pytest.fixture
def point(service_point, brand, category):
    return cover(service_point, brand, category)


@pytest.fixture
def near(point, technician, brand, category):
    return _always_on(skilled(technician, brand, category, lat=39.921, lng=116.444))


@pytest.fixture
def far(point, other_technician, brand, category):
    return _always_on(skilled(other_technician, brand, category, lat=40.05, lng=116.25))


@pytest.fixture
def offered(near, far):
    order = order_new("13800000300")
    return services.offer_for_new_order(order_id=order.pk)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
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
