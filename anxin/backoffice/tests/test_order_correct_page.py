"""The correction form on the order page: shown to editors only; blank personal fields stay as they are."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_version
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_agent_corrects_the_phone_and_the_timeline_shows_it_masked(agent, brand, category):
    order = order_file()
    client = _client(agent)
    assert 'id="correct-form"' in client.get(f"/orders/{order.number}/").content.decode()
    response = client.post(
        f"/orders/{order.number}/correct/",
        {
            "version": workorder_version(order),
            "contact_phone": "13900139000",
            "contact_name": "",
            "brand": "lechuang",
        },
        follow=True,
    )
    page = response.content.decode()
    order.refresh_from_db()
    assert order.contact_phone == "13900139000" and order.contact_name == "张伟"  # blank: kept
    assert order.events.filter(event=Event.CORRECTED).count() == 1
    assert "139****9000" in page and "13900139000" not in page


def test_a_stale_form_says_so_and_changes_nothing(agent, brand, category):
    order = order_file()
    stale = workorder_version(order)
    client = _client(agent)
    client.post(f"/orders/{order.number}/correct/", {"version": stale, "contact_name": "李娜"})
    response = client.post(
        f"/orders/{order.number}/correct/", {"version": stale, "contact_name": "王芳"}, follow=True
    )
    order.refresh_from_db()
    assert order.contact_name == "李娜" and "他人" in response.content.decode()


def test_a_technician_sees_no_correction_form_and_cannot_post_one(technician, brand, category, dispatcher):
    order = order_file()
    from anxin.workorders.services import workorder_transition

    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    client = _client(technician.user)
    assert 'id="correct-form"' not in client.get(f"/orders/{order.number}/").content.decode()
    client.post(
        f"/orders/{order.number}/correct/", {"version": workorder_version(order), "contact_name": "X"}
    )
    order.refresh_from_db()
    assert order.contact_name == "张伟"
