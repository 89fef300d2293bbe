"""A request never reveals anything about an order that already existed (issue #8, item 1).

Whoever files a request for a phone that already has an open order gets the receipt of
their own request, never the existing order's number, status, technician or tracking token.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from anxin.intake.models import IntakeRequest
from anxin.intake.tests.factories import signed_post
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import ORDER as API_ORDER
from anxin.workorders.tests.factories import order_file, post_order

VICTIM_PHONE = "13800138000"
ORDER = {**API_ORDER, "phone": VICTIM_PHONE, "name": "冒名者"}


@pytest.fixture
def victim_order(brand, category, technician):
    order = order_file(phone=VICTIM_PHONE)
    WorkOrder.objects.filter(pk=order.pk).update(technician=technician)
    return order


def _leaks(text: str, order: WorkOrder) -> list[str]:
    return [
        secret
        for secret in (order.number, order.tracking_token, "T1001", "/track/")
        if secret and secret in text
    ]


def test_the_public_form_answers_a_duplicate_with_its_own_receipt(victim_order):
    response = Client().post(
        "/repair/",
        {**ORDER, "brand": victim_order.brand_id, "category": victim_order.category_id},
        follow=True,
    )
    page = response.content.decode()
    intake = IntakeRequest.objects.get(created_order=False)
    assert intake.order == victim_order  # linked for staff
    assert intake.receipt_number in page
    assert _leaks(page + "".join(url for url, _ in response.redirect_chain), victim_order) == []


def test_the_api_answers_a_linked_request_without_the_existing_order(
    victim_order, brand_staff, api_client, token_for
):
    response = post_order(api_client(token_for(brand_staff)), ORDER)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["linked"] is True and body["receipt"].startswith("RQ")
    assert body["number"] is None and body["status"] is None and body["tracking_url"] is None
    assert _leaks(response.content.decode(), victim_order) == []


def test_an_idempotent_retry_of_a_linked_request_still_reveals_nothing(
    victim_order, agent, api_client, token_for
):
    client = api_client(token_for(agent))
    first = post_order(client, ORDER, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post_order(client, ORDER, HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json()["replayed"] is True and again.json()["receipt"] == first.json()["receipt"]
    assert _leaks(again.content.decode(), victim_order) == []


def test_another_clients_external_ref_files_a_new_request_instead_of_replaying(
    brand, category, agent, dispatcher, api_client, token_for
):
    own = post_order(api_client(token_for(agent)), {**ORDER, "external_ref": "PARTNER-1"}).json()
    theirs = post_order(
        api_client(token_for(dispatcher)),
        {**ORDER, "phone": "13911112222", "external_ref": "PARTNER-1"},
    )
    assert theirs.status_code == 201, theirs.content
    assert theirs.json()["number"] != own["number"] and theirs.json()["replayed"] is False
    assert WorkOrder.objects.count() == 2


def test_the_same_client_redelivering_its_external_ref_gets_its_own_order_back(
    brand, category, agent, api_client, token_for
):
    client = api_client(token_for(agent))
    first = post_order(client, {**ORDER, "external_ref": "PARTNER-2"}).json()
    again = post_order(client, {**ORDER, "external_ref": "PARTNER-2"}).json()
    assert again["replayed"] is True and again["number"] == first["number"]
    assert again["receipt"] == first["receipt"]


def test_the_social_webhook_answers_a_duplicate_with_a_receipt_only(victim_order, settings):
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = "s"
    body = json.dumps(
        {
            "platform": "wechat",
            "message_id": "m-9",
            "sender": {"id": "wx-1", "name": "冒名者", "phone": VICTIM_PHONE},
            "text": "乐创消毒柜不加热",
            "brand": "乐创",
            "category": "消毒柜",
        }
    ).encode()
    response = signed_post(Client(), "/api/v1/intake/social", body, "s")
    assert response.status_code == 200, response.content
    assert response.json()["linked"] is True and response.json()["receipt"]
    assert _leaks(response.content.decode(), victim_order) == []


def test_the_hotline_console_answers_a_duplicate_with_the_receipt(victim_order, agent):
    client = Client()
    client.force_login(agent)
    response = client.post(
        "/console/",
        {**ORDER, "brand": victim_order.brand_id, "category": victim_order.category_id},
        follow=True,
    )
    intake = IntakeRequest.objects.get(created_order=False)
    assert intake.receipt_number in response.content.decode()
    assert not any(victim_order.number in url for url, _ in response.redirect_chain)


def test_brand_staff_cannot_file_an_order_for_another_brand(
    brand_staff, other_brand, category, api_client, token_for
):
    response = post_order(api_client(token_for(brand_staff)), {**ORDER, "brand": other_brand.name})
    assert response.status_code == 403, response.content
    assert response.json()["field"] == "brand"
    assert WorkOrder.objects.count() == 0


def test_brand_staff_without_a_brand_files_for_their_own(brand_staff, brand, category, api_client, token_for):
    response = post_order(api_client(token_for(brand_staff)), {**ORDER, "brand": ""})
    assert response.status_code == 201, response.content
    assert WorkOrder.objects.get().brand == brand


def test_a_linked_request_is_kept_with_what_it_said_for_staff(victim_order, agent, api_client, token_for):
    body = post_order(api_client(token_for(agent)), {**ORDER, "description": "门铰链也松了"}).json()
    intake = IntakeRequest.objects.get(receipt_number=body["receipt"])
    assert intake.order == victim_order and not intake.created_order
    assert json.loads(intake.content)["description"] == "门铰链也松了"
    assert victim_order.events.filter(event="linked_request", note__contains=body["receipt"]).exists()
