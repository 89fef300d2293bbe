"""A duplicate report linked to an open order keeps what it said and its photos on that order's timeline."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from anxin.core.tests.image_bombs import photo_bytes
from anxin.intake.services import IncomingFile, RepairRequest, request_submit
from anxin.workorders.choices import Event
from anxin.workorders.models import Attachment, WorkOrderEvent
from anxin.workorders.presenters import event_report

pytestmark = pytest.mark.django_db


def _report(description: str, files: list[IncomingFile] | None = None):
    return request_submit(
        request=RepairRequest(
            channel="web",
            phone="13800138000",
            name="张伟",
            address="北京市朝阳区建国路88号",
            brand="乐创",
            category="消毒柜",
            description=description,
            files=files or [],
        )
    )


def test_the_second_report_keeps_its_text_and_photos_on_the_timeline(brand, category, agent):
    # Given an open order
    first = _report("消毒柜不加热")
    # When the customer reports again, with more detail, a phone number in the text, and a photo
    photo = IncomingFile(filename="门.jpg", content=photo_bytes(400, 300), content_type="image/jpeg")
    second = _report("现在门也关不上了，急，请打13900139000", files=[photo])
    # Then it is linked, and the timeline entry holds the new description and the photo
    assert second.linked and second.order == first.order
    event = WorkOrderEvent.objects.get(order=first.order, event=Event.LINKED_REQUEST)
    assert json.loads(event.details)["description"] == "现在门也关不上了，急，请打13900139000"
    assert list(Attachment.objects.filter(event=event).values_list("order", flat=True)) == [first.order.pk]
    # ... masked when shown, and the row stores it encrypted
    assert "门也关不上" in event_report(event) and "13900139000" not in event_report(event)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note, details FROM workorders_workorderevent WHERE id = %s", [event.pk])
        note, stored = cursor.fetchone()
    assert "关不上" not in note and "关不上" not in stored
    # ... and the agent sees it on the order page
    client = Client()
    client.force_login(agent)
    page = client.get(f"/orders/{first.order.number}/").content.decode()
    assert "门也关不上" in page and "13900139000" not in page
