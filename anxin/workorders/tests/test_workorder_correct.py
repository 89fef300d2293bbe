"""Correcting an order: one timeline event with old and new values, masked and encrypted; stale → 409."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from anxin.workorders.choices import AttentionReason, Event
from anxin.workorders.models import WorkOrderEvent
from anxin.workorders.tests.factories import ORDER, order_file, post_order

pytestmark = pytest.mark.django_db


def _patch(client, number: str, body: dict):
    return client.patch(f"/api/v1/orders/{number}", data=json.dumps(body), content_type="application/json")


def _version(client, number: str) -> str:
    return client.get(f"/api/v1/orders/{number}").json()["version"]


def test_a_correction_is_one_event_with_masked_old_and_new_values(agent_client):
    # Given an order filed with a wrong phone and address
    number = post_order(agent_client, ORDER).json()["number"]
    # When the agent corrects them
    response = _patch(
        agent_client,
        number,
        {
            "version": _version(agent_client, number),
            "contact_phone": "13900139000",
            "service_address": "北京市朝阳区望京街10号",
        },
    )
    # Then one "corrected" event lists both fields, old and new, masked
    assert response.status_code == 200, response.content
    body = response.json()
    corrected = [e for e in body["timeline"] if e["event"] == Event.CORRECTED]
    assert len(corrected) == 1
    changes = {c["field"]: (c["old"], c["new"]) for c in corrected[0]["changes"]}
    assert changes["contact_phone"] == ("138****8000", "139****9000")
    assert set(changes) == {"contact_phone", "service_address"}
    assert "望京街10号" not in response.content.decode() and "13900139000" not in response.content.decode()
    assert body["contact_phone"] == "139****9000"


def test_the_event_row_holds_no_personal_data_in_plain_text(agent_client):
    number = post_order(agent_client, ORDER).json()["number"]
    _patch(agent_client, number, {"version": _version(agent_client, number), "contact_phone": "13900139000"})
    event = WorkOrderEvent.objects.get(event=Event.CORRECTED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note, details FROM workorders_workorderevent WHERE id = %s", [event.pk])
        note, stored = cursor.fetchone()
    assert "13900139000" not in note and "13800138000" not in note
    assert "1390013" not in stored and "1380013" not in stored  # ciphertext
    assert json.loads(event.details)["changes"][0]["new"] == "13900139000"  # decrypted in Python


def test_a_stale_version_is_refused_with_409_and_nothing_changes(
    agent_client, dispatcher, api_client, token_for
):
    # Given two editors who read the same version
    number = post_order(agent_client, ORDER).json()["number"]
    version = _version(agent_client, number)
    other = api_client(token_for(dispatcher))
    assert _patch(other, number, {"version": version, "contact_name": "李娜"}).status_code == 200
    # When the second saves with the version they read
    response = _patch(agent_client, number, {"version": version, "contact_name": "王芳"})
    # Then 409 with a clear message, and the first editor's change stands
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version" and response.json()["field"] == "version"
    assert "他人" in response.json()["detail"]
    assert WorkOrderEvent.objects.filter(event=Event.CORRECTED).count() == 1


def test_an_unchanged_correction_writes_no_event(agent_client):
    number = post_order(agent_client, ORDER).json()["number"]
    response = _patch(
        agent_client, number, {"version": _version(agent_client, number), "contact_name": "张伟"}
    )
    assert response.status_code == 200
    assert not WorkOrderEvent.objects.filter(event=Event.CORRECTED).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contact_phone": "12"}, "contact_phone"),
        ({"brand": "没有这个牌子"}, "brand"),
        ({"model": "NOPE-1"}, "model"),
        ({"appointment_start": "2030-01-01T10:00:00+08:00"}, "appointment_end"),
        ({"version": "yesterday"}, "version"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(agent_client, body, field):
    number = post_order(agent_client, ORDER).json()["number"]
    response = _patch(agent_client, number, {"version": _version(agent_client, number), **body})
    assert response.status_code == 422 and response.json()["field"] == field


def test_a_technician_and_brand_staff_may_not_correct(brand_staff, api_client, token_for, agent_client):
    number = post_order(agent_client, ORDER).json()["number"]
    version = _version(agent_client, number)
    response = _patch(api_client(token_for(brand_staff)), number, {"version": version, "contact_name": "X"})
    assert response.status_code == 403


def test_an_outsider_cannot_see_the_order_to_correct(outsider, api_client, token_for, agent_client):
    number = post_order(agent_client, ORDER).json()["number"]
    version = _version(agent_client, number)
    response = _patch(api_client(token_for(outsider)), number, {"version": version, "contact_name": "X"})
    assert response.status_code in (403, 404)


def test_correcting_an_unknown_brand_clears_the_flag(agent_client, brand, category):
    # Given an order whose brand intake could not recognise
    order = order_file(brand="不知名牌子")
    assert AttentionReason.UNKNOWN_BRAND in order.attention
    # When the agent picks the brand
    response = _patch(
        agent_client, order.number, {"version": order.updated_at.isoformat(), "brand": brand.code}
    )
    # Then the flag is gone and the event says so
    assert response.status_code == 200
    order.refresh_from_db()
    assert AttentionReason.UNKNOWN_BRAND not in order.attention and order.brand == brand
    assert "已解除" in WorkOrderEvent.objects.get(event=Event.CORRECTED).note


def test_a_model_of_the_brand_registers_the_device(agent_client, product_model):
    order = order_file()
    response = _patch(
        agent_client, order.number, {"version": order.updated_at.isoformat(), "model": "ztp-108a"}
    )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.device is not None and order.device.product_model == product_model
