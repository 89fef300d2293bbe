"""Where the live video is reached from: the technician's job card, the staff order page, the customer's
order page (consent asked ahead of the visit)."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.live.tests.helpers import arrive_with_code

pytestmark = pytest.mark.django_db


def _get(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_technicians_job_card_links_the_live_video_once_he_is_on_site(en_route_order, technician):
    video = f"/live/orders/{en_route_order.number}/video/"
    assert video not in _get(technician.user, "/dispatch/me/")  # on his way: nothing to film
    arrive_with_code(order=en_route_order)
    assert video in _get(technician.user, "/dispatch/me/")
    page = _get(technician.user, video)
    assert 'data-video-role="publisher"' in page and 'id="video-start"' in page


def test_staff_reach_the_live_video_from_the_order_page_and_watch(en_route_order, dispatcher):
    order = arrive_with_code(order=en_route_order)
    assert f"/live/orders/{order.number}/video/" in _get(dispatcher, f"/orders/{order.number}/")
    page = _get(dispatcher, f"/live/orders/{order.number}/video/")
    assert 'data-video-role="viewer"' in page and 'id="live-video-player"' in page
    assert 'id="video-consent"' not in page  # staff do not answer for the customer


def test_the_customer_is_asked_for_consent_before_the_visit(en_route_order):
    page = Client().get(f"/track/{en_route_order.number}/?t={en_route_order.tracking_token}").content.decode()
    assert 'id="video-consent"' in page and 'data-consent="0"' in page
    assert (
        f'data-video-socket="/ws/orders/{en_route_order.number}/video/?t={en_route_order.tracking_token}"'
        in page
    )
