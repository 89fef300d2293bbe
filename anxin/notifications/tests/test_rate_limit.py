"""Messages per recipient are capped per hour and per day, counted by blind index, never the phone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anxin.customers.services import phone_blind_index
from anxin.intake.services import RepairRequest, request_submit
from anxin.notifications.models import Notification
from anxin.notifications.services import RATE_LIMITED, sms_send
from anxin.workorders.choices import Channel


def test_a_flood_of_linked_requests_texts_the_customer_at_most_the_hourly_budget(
    brand, category, sms, settings, django_capture_on_commit_callbacks
):
    settings.ANXIN_MESSAGES_PER_HOUR = 3
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(19):
            request_submit(
                request=RepairRequest(
                    channel=Channel.WEB, phone="13800138000", brand="乐创", category="消毒柜"
                )
            )
    assert len(sms.sent()) == 3
    notes = Notification.objects.all()
    assert notes.count() == 19  # every message accounted for: 3 sent, 16 suppressed
    assert notes.filter(error=RATE_LIMITED, sent_at__isnull=True).count() == 16
    assert set(notes.values_list("recipient_index", flat=True)) == {phone_blind_index("13800138000")}
    assert "13800138000" not in {n.recipient_index for n in notes}


def test_the_daily_budget_counts_messages_sent_earlier_in_the_day(db, sms, settings):
    settings.ANXIN_MESSAGES_PER_HOUR = 5
    settings.ANXIN_MESSAGES_PER_DAY = 6
    for _ in range(5):
        sms_send(kind="ack", phone="13800138000", text="earlier")
    Notification.objects.update(sent_at=timezone.now() - dt.timedelta(hours=3))
    assert sms_send(kind="ack", phone="13800138000", text="a").sent_at is not None
    assert sms_send(kind="ack", phone="13800138000", text="b").error == RATE_LIMITED
    assert sms_send(kind="ack", phone="13900000000", text="another recipient").sent_at is not None


def test_one_time_codes_have_their_own_budget(db, sms, settings):
    settings.ANXIN_MESSAGES_PER_HOUR = 1
    settings.ANXIN_MESSAGES_ESSENTIAL_PER_HOUR = 2
    assert sms_send(kind="ack", phone="13800138000", text="order").sent_at is not None
    assert sms_send(kind="ack", phone="13800138000", text="order").error == RATE_LIMITED
    assert sms_send(kind="otp", phone="13800138000", text="code 1").sent_at is not None
    assert sms_send(kind="otp", phone="13800138000", text="code 2").sent_at is not None
    assert sms_send(kind="otp", phone="13800138000", text="code 3").error == RATE_LIMITED
    assert len(sms.sent()) == 3
