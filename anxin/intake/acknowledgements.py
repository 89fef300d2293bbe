"""The message a customer gets when a request is accepted: the order number and a tracking link.

It promises only what dispatch can keep: a technician confirmed within 30 minutes while someone is on
shift; after hours, the time the first technician who can take the order comes on shift.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone

from anxin.dispatch.selectors import order_technicians
from anxin.network.selectors import technicians_for_order
from anxin.notifications.customer_messages import message_render
from anxin.notifications.models import Notification
from anxin.notifications.services import email_send, sms_send
from anxin.workorders.models import WorkOrder
from anxin.workorders.presenters import tracking_url


def confirmation_waits_until(order: WorkOrder, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the first technician who can take ``order`` comes on shift, if nobody can now (else None)."""
    technicians = order_technicians(
        order=order, staff=technicians_for_order(order=order), refused=set(), now=now or timezone.now()
    )
    return technicians.first_shift if technicians.waiting else None


def acknowledgement_send(*, order_id: int, linked: bool) -> Notification | None:
    order = WorkOrder.objects.select_related("customer").filter(pk=order_id).first()
    if order is None:
        return None
    kind = "ack_linked" if linked else "ack"
    # Idempotent: a retried task does not text the customer twice for the same event.
    if not linked and Notification.objects.filter(order=order, kind=kind, error="").exists():
        return None
    text = _receipt_text(order, kind=kind)
    phone = order.contact_phone or order.customer.phone
    if phone:
        return sms_send(kind=kind, phone=phone, text=text, order=order)
    if order.customer.email:
        return email_send(
            kind=kind,
            address=order.customer.email,
            subject=f"报修已受理 {order.number}",
            text=text,
            order=order,
        )
    return None


def _receipt_text(order: WorkOrder, *, kind: str) -> str:
    params = {"number": order.number, "link": tracking_url(order)}
    waits_until = confirmation_waits_until(order) if kind == "ack" else None
    if waits_until is not None:
        kind = "ack_after_hours"
        params["when"] = formats.date_format(timezone.localtime(waits_until), "m-d H:i")
    return message_render(kind=kind, language=order.customer.language, **params)
