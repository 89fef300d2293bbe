"""The technician's phone cards: the offer card shows district and street, the fault and the window, never
the house number or the customer's number; the task card after acceptance shows the full address (a reveal,
audited once, not per refresh), a navigation link, a tel: link through the platform's number and photos."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from PIL import Image

from anxin.core.models import RevealLog
from anxin.dispatch import selectors, services
from anxin.dispatch.tests.factories import always_on, order_new
from anxin.intake.services import IncomingFile
from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

ADDRESS = "北京市朝阳区建国门外街道建国路88号3单元501"
PHONE = "13800000400"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def offered(near, far, settings):
    settings.ANXIN_HOTLINE = "400-820-1234"
    always_on(near)
    always_on(far)
    order = order_new(
        PHONE,
        address=ADDRESS,
        description="消毒柜不加热，联系13912345678",
        files=[IncomingFile("photo.jpg", _jpeg(), "image/jpeg")],
    )
    offer = services.offer_for_new_order(order_id=order.pk)
    assert offer is not None
    return offer


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/dispatch/me/")
    assert response.status_code == 200
    return response.content.decode()


def _card(html: str, css_class: str) -> str:
    """The first card of that kind, up to the end of its section."""
    start = html.index(f'class="card {css_class}"')
    return html[start : html.index("</section>", start)]


def _primary_buttons(html: str) -> list[str]:
    return [c for c in re.findall(r'<button class="(big[^"]*)"', html) if "secondary" not in c.split()]


def test_the_offer_card_shows_district_and_street_but_no_house_number(offered):
    order = WorkOrder.objects.get(pk=offered.order_id)
    html = _page(offered.technician.user)
    card = _card(html, "offer")
    assert selectors.order_area(order) and selectors.order_area(order) in card
    assert "朝阳区" in card
    assert "88号" not in html and "501" not in html  # not in the offer card nor in the job list
    assert "消毒柜不加热" in card and "13912345678" not in html  # the fault, its phone number masked
    assert PHONE not in html and "tel:" not in html  # nothing to call before acceptance
    assert "uri.amap.com" not in html
    assert 'class="window"' in card and "1 张照片" in card
    assert not RevealLog.objects.exists()


def test_the_task_card_after_acceptance_has_the_address_navigation_call_and_photos(offered):
    technician = offered.technician
    services.offer_accept(offer=offered, actor=technician.user)
    html = _page(technician.user)
    card = _card(html, "job")
    assert ADDRESS in card and "消毒柜不加热" in card
    assert 'href="tel:4008201234"' in card and PHONE not in html  # through the platform, by order number
    nav = re.search(r'class="button secondary big nav" href="([^"]+)"', card)
    assert nav
    url = urlsplit(nav.group(1).replace("&amp;", "&"))
    query = parse_qs(url.query)
    assert (url.netloc, url.path) == ("uri.amap.com", "/search")
    assert query["keyword"] == [ADDRESS] and query["coordinate"] == ["gaode"]
    lng, lat = map(float, query["center"][0].split(","))
    assert 115 < lng < 118 and 39 < lat < 41  # Beijing, lng first as AMap wants
    photo = WorkOrder.objects.get(pk=offered.order_id).attachments.get()
    assert f"/orders/{offered.order.number}/attachments/{photo.pk}/thumb/" in card
    # The reveal is audited: one row for the technician, not one per 30-second refresh
    _page(technician.user)
    log = RevealLog.objects.get()
    assert (log.actor, log.subject_id, log.field) == (
        technician.user,
        offered.order.number,
        "service_address",
    )


def test_one_primary_action_per_screen(offered, near, far):
    # While an offer waits, accepting it is the one primary action
    assert _primary_buttons(_page(offered.technician.user)) == ["big accept"]
    # Once accepted, the next step of the first job on his route is
    services.offer_accept(offer=offered, actor=offered.technician.user)
    html = _page(offered.technician.user)
    assert _primary_buttons(html) == ["big"] and '<button class="big" data-step="depart"' in html


def test_the_map_link_searches_the_address_near_the_order(offered):
    link = selectors.map_link(address="成都市武侯区某路1号", location=None)
    assert link.startswith("https://uri.amap.com/search?") and "center" not in link
