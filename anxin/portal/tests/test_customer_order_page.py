"""The customer's order page: what they reported, milestones, cancel before departure, claims, messages."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.core.tests.image_bombs import photo_bytes
from anxin.customers.models import Customer
from anxin.intake.services import IncomingFile, RepairRequest, request_submit
from anxin.workorders.choices import Channel, Event, Status
from anxin.workorders.services import workorder_transition


@pytest.fixture
def order(db, brand, category):
    request = RepairRequest(
        channel=Channel.WEB,
        phone="13800138000",
        name="张伟",
        address="北京市朝阳区建国路88号院3号楼",
        brand="乐创",
        category="消毒柜",
        description="消毒柜不加热，电话13900001111",
        files=[
            IncomingFile(filename="张伟身份证.jpg", content=photo_bytes(400, 300), content_type="image/jpeg")
        ],
    )
    return request_submit(request=request).order


def link(order, suffix: str = "") -> str:
    return f"/track/{order.number}/{suffix}"


def test_the_page_shows_what_the_customer_reported_masked_and_no_sla_table(order):
    page = Client().get(link(order), {"t": order.tracking_token}).content.decode()
    assert "消毒柜不加热" in page and "13900001111" not in page
    assert "建国路88号院3号楼" not in page and "北京市" in page
    assert 'id="reported-photos"' in page
    assert "sla" not in page.lower().split('id="timeline"')[0].split('id="reported"')[1]
    assert "时效" not in page


def test_the_photo_opens_with_the_link_and_not_without(order):
    photo = order.attachments.get()
    url = f"/orders/{order.number}/attachments/{photo.pk}/"
    assert Client().get(url, {"t": order.tracking_token}).status_code == 200
    assert Client().get(url, {"t": "wrong"}).status_code == 404


def test_the_customer_cancels_through_the_link_before_the_technician_sets_off(order, technician):
    workorder_transition(order=order, event=Event.ACCEPT, actor=None)
    workorder_transition(order=order, event=Event.DISPATCH, actor=None, technician=technician)
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=None)
    response = Client().post(link(order, "cancel/"), {"t": order.tracking_token, "reason": "已自行修好"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert order.events.get(event=Event.CANCEL).actor_label == "customer (tracking link)"


def test_once_the_technician_has_set_off_the_page_offers_no_cancel_and_a_post_is_refused(order, technician):
    for event in (Event.ACCEPT, Event.DISPATCH, Event.TECHNICIAN_ACCEPT, Event.DEPART):
        workorder_transition(order=order, event=event, actor=None, technician=technician)
    client = Client()
    assert 'id="cancel-order"' not in client.get(link(order), {"t": order.tracking_token}).content.decode()
    page = client.post(link(order, "cancel/"), {"t": order.tracking_token}, follow=True).content.decode()
    order.refresh_from_db()
    assert order.status == Status.EN_ROUTE and "客服热线" in page


def test_a_wrong_token_cancels_nothing(order):
    assert Client().post(link(order, "cancel/"), {"t": "guess"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_the_customer_chooses_english_and_opts_out_of_non_essential_messages(order):
    Client().post(link(order, "messages/"), {"t": order.tracking_token, "language": "en", "opted_out": "1"})
    customer = Customer.objects.get(pk=order.customer_id)
    assert customer.language == "en" and customer.messages_opted_out
    Client().post(link(order, "messages/"), {"t": order.tracking_token, "language": "xx"})
    customer.refresh_from_db()
    assert customer.language == "en"  # refused, unchanged


def test_the_signed_in_customer_sees_their_claims(db, brand):
    from anxin.evidence.tests.factories import make_buyer, make_claim

    buyer = make_buyer()
    claim = make_claim(buyer=buyer, brand=brand)
    client = Client()
    client.force_login(buyer)
    page = client.get("/my/").content.decode()
    assert f'data-claim="{claim.number}"' in page and f"/claims/{claim.number}/" in page
