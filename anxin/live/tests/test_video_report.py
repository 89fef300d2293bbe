"""The service report lists the visit's recordings: when, the SHA-256 and the link to watch it."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from anxin.live.tests.factories import webm_bytes
from anxin.live.tests.helpers import arrive_with_code
from anxin.live.video import consent_record, recording_append, recording_finish, recording_start, video_access
from anxin.reports.services import service_report_render
from anxin.reports.tests.helpers import pdf_text

pytestmark = pytest.mark.django_db


def test_the_service_report_carries_the_recordings_hash_and_link(en_route_order, technician, settings):
    settings.ANXIN_PUBLIC_URL = "https://anxin.example"
    order = arrive_with_code(order=en_route_order)
    consent_record(order=order, granted=True, actor=None, via_token=True)
    access = video_access(actor=technician.user, number=order.number, token="")
    assert access is not None and access.publisher
    recording = recording_start(access=access)
    data = webm_bytes()
    recording_append(access=access, recording_id=recording.pk, offset=0, data=data)
    recording_finish(access=access, recording_id=recording.pk, actor=technician.user)

    text = pdf_text(service_report_render(order=order)).replace("\n", "")
    assert "上门录像" in text
    assert hashlib.sha256(data).hexdigest() in text
    link = f"https://anxin.example/live/orders/{order.number}/recordings/{recording.pk}/file/"
    assert link in text
    # the link is the one the order's people watch it at (here: the customer's tracking link)
    assert (
        Client().get(link.removeprefix("https://anxin.example") + f"?t={order.tracking_token}").status_code
        == 200
    )
