from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import timezone

from anxin.notifications.models import Notification
from anxin.notifications.providers import get_sms_provider

logger = logging.getLogger("anxin.notifications")


def sms_send(*, kind: str, phone: str, text: str, order=None) -> Notification:  # type: ignore[no-untyped-def]
    provider = get_sms_provider()
    note = Notification(
        kind=kind,
        channel=Notification.Channel.SMS,
        recipient=phone,
        body=text,
        order=order,
        provider=provider.name,
    )
    try:
        provider.send(phone=phone, text=text)
        note.sent_at = timezone.now()
    except Exception as exc:  # a carrier outage must not lose the order; the row records it for retry
        logger.exception("SMS provider %s failed", provider.name)
        note.error = str(exc)[:200]
    note.save()
    return note


def email_send(*, kind: str, address: str, subject: str, text: str, order=None) -> Notification:  # type: ignore[no-untyped-def]
    note = Notification(
        kind=kind,
        channel=Notification.Channel.EMAIL,
        recipient=address,
        body=text,
        order=order,
        provider="django-mail",
    )
    try:
        send_mail(subject, text, None, [address])
        note.sent_at = timezone.now()
    except Exception as exc:
        logger.exception("sending mail failed")
        note.error = str(exc)[:200]
    note.save()
    return note
