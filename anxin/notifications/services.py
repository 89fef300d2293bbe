"""Outgoing messages: one Notification row per message, rate-limited per recipient, idempotent per job.

Inside a durable job (see ``jobs.py``) a provider failure is raised so the job is retried with
backoff; the same row is reused by the retry and a message already sent for the job is never sent
again. Outside a job (one-time codes asked for on a web request) the failure is recorded and
logged and the caller decides: the customer can ask for a new code.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from django.utils import timezone

from anxin.core.crypto import get_keyring
from anxin.core.masking import normalize_email, normalize_phone
from anxin.notifications.jobs import current_job, error_text
from anxin.notifications.models import Notification
from anxin.notifications.providers import get_sms_provider

logger = logging.getLogger("anxin.notifications")

RATE_LIMITED = "rate_limited"
# One-time codes are essential (without one the customer cannot log in) and already limited per
# phone and per client at request time; they get their own budget so a burst of order messages
# cannot lock a customer out, and order messages cannot be sent by draining the code budget.
ESSENTIAL_KINDS = frozenset({"otp"})


class DeliveryFailed(Exception):
    """The provider refused or failed; raised inside jobs so that they retry."""


def recipient_index(*, channel: str, recipient: str) -> str:
    if channel == Notification.Channel.SMS:
        return get_keyring().blind_index(normalize_phone(recipient), context="phone")
    return get_keyring().blind_index(normalize_email(recipient), context="email")


def _budget(kind: str) -> tuple[int, int]:
    if kind in ESSENTIAL_KINDS:
        return settings.ANXIN_MESSAGES_ESSENTIAL_PER_HOUR, settings.ANXIN_MESSAGES_ESSENTIAL_PER_DAY
    return settings.ANXIN_MESSAGES_PER_HOUR, settings.ANXIN_MESSAGES_PER_DAY


def _over_budget(*, index: str, kind: str, now: dt.datetime) -> bool:
    """Count what this recipient was actually sent (not attempts) in the last hour and day."""
    per_hour, per_day = _budget(kind)
    sent = Notification.objects.filter(
        recipient_index=index, sent_at__gt=now - dt.timedelta(days=1), sent_at__lte=now
    )
    sent = (
        sent.filter(kind__in=ESSENTIAL_KINDS)
        if kind in ESSENTIAL_KINDS
        else sent.exclude(kind__in=ESSENTIAL_KINDS)
    )
    if sent.count() >= per_day:
        return True
    return sent.filter(sent_at__gt=now - dt.timedelta(hours=1)).count() >= per_hour


def _deliver(
    *,
    channel: str,
    kind: str,
    recipient: str,
    body: str,
    order: models.Model | None,  # a workorders.WorkOrder: this app sits below workorders
    provider: str,
    send: Callable[[Notification], None],
) -> Notification:
    job = current_job()
    note = None
    if job is not None:
        note = Notification.objects.filter(job=job, kind=kind).first()
        if note is not None and (note.sent_at is not None or note.error == RATE_LIMITED):
            return note  # a retried job: this message was already handled, never send it twice
    if note is None:
        note = Notification(
            kind=kind,
            channel=channel,
            recipient=recipient,
            recipient_index=recipient_index(channel=channel, recipient=recipient),
            body=body,
            order=cast(Any, order),  # the plugin wants a WorkOrder, which this lower layer cannot import
            job=job,
            provider=provider,
        )
    now = timezone.now()
    if _over_budget(index=note.recipient_index, kind=kind, now=now):
        logger.warning(
            "%s %s to recipient %s… suppressed by the rate limit", channel, kind, note.recipient_index[:8]
        )
        note.error = RATE_LIMITED
        note.save()
        return note
    try:
        send(note)
    except Exception as exc:
        note.error = error_text(exc)[:200]
        # No traceback: a carrier's message may echo the number, and the log must not hold it.
        logger.warning("%s provider %s failed: %s", channel, provider, note.error)
        note.save()
        if job is not None:
            raise DeliveryFailed(note.error) from exc
        return note
    note.sent_at = timezone.now()
    note.error = ""
    note.save()
    return note


def sms_send(*, kind: str, phone: str, text: str, order: models.Model | None = None) -> Notification:
    provider = get_sms_provider()

    def send(note: Notification) -> None:
        provider.send(phone=phone, text=text, reference=f"{note.job_id or ''}:{kind}")

    return _deliver(
        channel=Notification.Channel.SMS,
        kind=kind,
        recipient=phone,
        body=text,
        order=order,
        provider=provider.name,
        send=send,
    )


def email_send(
    *, kind: str, address: str, subject: str, text: str, order: models.Model | None = None
) -> Notification:
    def send(note: Notification) -> None:
        send_mail(subject, text, None, [address])

    return _deliver(
        channel=Notification.Channel.EMAIL,
        kind=kind,
        recipient=address,
        body=text,
        order=order,
        provider="django-mail",
        send=send,
    )
