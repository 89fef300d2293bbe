"""The technician's live status (空闲 / 在途 / 在现场) follows his visit whichever path moves the order:
the phone's status buttons, the visit's completion page, the API, the declined quote, a command."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from anxin.network.choices import TechnicianStatus
from anxin.network.models import Technician
from anxin.pricing.choices import Decision
from anxin.pricing.services import quote_answer
from anxin.testing.visits import (
    photo_jpeg,
    signature_data_url,
    visit_diagnose,
    visit_price,
    visit_quote_send,
    visit_reach_on_site,
    visit_record,
)
from anxin.visits.services import photo_add, visit_complete
from anxin.visits.tests.factories import on_site_order
from anxin.workorders.choices import Event, Status
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


def _status(technician: Technician) -> str:
    technician.refresh_from_db()
    return technician.status


@pytest.fixture
def in_repair(technician, product_model):
    """His visit under way, as the phone records it: set off, arrived with the code, diagnosed, priced."""
    order = visit_reach_on_site(order=order_file(model="ZTP-108A"), technician=technician)
    assert _status(technician) == TechnicianStatus.ON_SITE
    order = visit_price(order=visit_diagnose(order=order, actor=technician.user), actor=technician.user)
    photo_add(actor=technician.user, order=order, role="after", data=photo_jpeg("green"), filename="后.jpg")
    return order


def test_completing_on_the_visit_page_makes_him_available_again(in_repair, technician):
    client = Client()
    client.force_login(technician.user)
    url = reverse("visits:complete", kwargs={"number": in_repair.number})

    response = client.post(url, {"signature": signature_data_url()})

    assert response.status_code == 302, response.content.decode()[:500]
    in_repair.refresh_from_db()
    assert in_repair.status == Status.COMPLETED
    assert _status(technician) == TechnicianStatus.AVAILABLE


def test_completing_through_the_api_makes_him_available_again(in_repair, technician, api_client, token_for):
    client = api_client(token_for(technician.user))

    response = client.post(
        f"/api/v1/visits/orders/{in_repair.number}/complete",
        json.dumps({"signature": signature_data_url()}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert _status(technician) == TechnicianStatus.AVAILABLE


def test_a_declined_quote_ends_the_visit_and_frees_him(technician, product_model):
    order = visit_reach_on_site(order=order_file(model="ZTP-108A"), technician=technician)
    order = visit_diagnose(order=order, actor=technician.user, paid=True)
    quote = visit_quote_send(order=order, actor=technician.user, paid=True)

    quote_answer(
        quote=quote, decision=Decision.DECLINED, method="on_site", revision=quote.revision,
        actor=technician.user, note="太贵",
    )  # fmt: skip

    order.refresh_from_db()
    assert order.status == Status.COMPLETED
    assert _status(technician) == TechnicianStatus.AVAILABLE


def test_a_visit_cancelled_on_the_way_frees_him(technician, agent):
    order = visit_reach_on_site(order=order_file(), technician=technician)
    assert _status(technician) == TechnicianStatus.ON_SITE

    workorder_transition(order=order, event=Event.CANCEL, actor=agent, note="客户改期")

    assert _status(technician) == TechnicianStatus.AVAILABLE


def test_completing_an_older_order_keeps_him_on_site_at_the_next_one(technician, product_model):
    finished_late = on_site_order(technician=technician, phone="13800000021")
    finished_late = visit_price(
        order=visit_diagnose(order=finished_late, actor=technician.user), actor=technician.user
    )
    visit_reach_on_site(order=order_file(phone="13800000022"), technician=technician)
    assert _status(technician) == TechnicianStatus.ON_SITE

    photo_add(actor=technician.user, order=finished_late, role="after", data=photo_jpeg(), filename="a.jpg")
    visit_complete(actor=technician.user, order=finished_late, no_signature_reason="customer_absent")

    assert _status(technician) == TechnicianStatus.ON_SITE


def test_a_technician_who_signed_off_stays_off_when_a_visit_of_his_is_completed(technician, product_model):
    order = visit_reach_on_site(order=order_file(model="ZTP-108A"), technician=technician)
    Technician.objects.filter(pk=technician.pk).update(status=TechnicianStatus.OFF)

    visit_record(order=order)

    assert _status(technician) == TechnicianStatus.OFF
