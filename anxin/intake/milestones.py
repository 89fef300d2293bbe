"""The customer hears from us: an SMS at each milestone of their order, read from the timeline.

A reader of the work-order outbox (core.outbox): for each milestone event it enqueues one durable
job in the same transaction that moves its cursor, so every milestone is texted once — never lost
when a worker dies, never twice when two readers race. The job renders the text in the customer's
language when it runs (quiet hours may hold it until 08:00) and goes through the rate-limited,
idempotent ``notifications.services``. Claim decisions are texted by evidence (claims are not on
the order timeline) with the same templates and rules.

This lives in intake, the layer allowed to read work orders and write notifications, because the
customer-facing side of an order starts here (the acknowledgement is intake's too).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from anxin.core.masking import mask_name
from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.dispatch.selectors import accepted_offer_eta
from anxin.live.services import arrival_code_for
from anxin.notifications.customer_messages import message_delivery, message_render
from anxin.notifications.jobs import durable_job
from anxin.notifications.models import Notification
from anxin.notifications.services import email_send, sms_send
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.presenters import tracking_url

logger = logging.getLogger("anxin.milestones")

OUTBOX = "milestones"
BATCH = 500
# Timeline event → message kind (notifications.customer_messages.KINDS).
MILESTONES: dict[str, str] = {
    Event.TECHNICIAN_ACCEPT.value: "accepted",
    Event.DEPART.value: "en_route",
    Event.ARRIVE.value: "arrived",
    Event.COMPLETE.value: "completed",
}


def _timeline_end() -> tuple[int, int]:
    # A new reader starts at the end: customers are not texted about what happened before it existed.
    return WorkOrderEvent.objects.order_by("-txid", "-id").values_list("txid", "id").first() or (0, 0)


def milestones_read(*, batch: int = BATCH, now: dt.datetime | None = None) -> int:
    """Enqueue a message job for every milestone recorded since the last read; returns rows read."""
    read = 0
    while True:
        taken = _read_batch(limit=batch, now=now or timezone.now())
        read += taken
        if taken < batch:
            return read


@transaction.atomic
def _read_batch(*, limit: int, now: dt.datetime) -> int:
    cursor, _ = outbox_cursor(OUTBOX, start=_timeline_end)
    rows = list(
        outbox_unread(cursor, WorkOrderEvent.objects.all()).values_list("txid", "id", "event")[:limit]
    )
    if not rows or not outbox_cursor_move(cursor, to=rows[-1][:2]):
        return 0
    wanted = [event_id for _, event_id, event in rows if event in MILESTONES]
    events = WorkOrderEvent.objects.select_related("order__customer").filter(pk__in=wanted)
    for event in events:
        kind = MILESTONES[event.event]
        customer = event.order.customer
        delivery = message_delivery(kind=kind, opted_out=customer.messages_opted_out, at=now)
        if delivery.send:
            milestone_text.enqueue(event_id=event.pk, not_before=delivery.not_before)
    return len(rows)


# Half the width of the window quoted around the planned arrival when the customer booked no slot.
ETA_HALF_WINDOW = dt.timedelta(minutes=30)


def _window(order: WorkOrder, *, accepted_at: dt.datetime) -> str:
    start, end = order.appointment_start, order.appointment_end
    if start is None or end is None:
        # No booked slot: the technician accepted an offer planned to arrive at its ETA; quote the
        # hour around it (never starting before he accepted) rather than no time at all.
        technician_id = order.technician_id
        if technician_id is None:
            return "—"
        eta = accepted_offer_eta(order=order, technician_id=technician_id)
        if eta is None:
            return "—"
        start, end = max(eta - ETA_HALF_WINDOW, accepted_at), eta + ETA_HALF_WINDOW
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%m-%d %H:%M}–{end:%H:%M}"


def milestone_text_send(*, event_id: int) -> Notification | None:
    """The message for one milestone event, in the customer's language as it is now."""
    event = (
        WorkOrderEvent.objects.select_related("order__customer", "order__technician__user")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.event not in MILESTONES:
        return None
    order, kind = event.order, MILESTONES[event.event]
    customer = order.customer
    technician = order.technician
    text = message_render(
        kind=kind,
        language=customer.language,
        number=order.number,
        technician=f" {mask_name(str(technician.user))}（{technician.employee_no}）" if technician else "",
        window=_window(order, accepted_at=event.created_at),
        link=tracking_url(order),
        code=arrival_code_for(order=order).code if kind == "en_route" else "",
    )
    phone = order.contact_phone or customer.phone
    if phone:
        return sms_send(kind=kind, phone=phone, text=text, order=order)
    if customer.email:
        return email_send(kind=kind, address=customer.email, subject=order.number, text=text, order=order)
    return None


@durable_job
def milestone_text(*, event_id: int) -> None:
    """Durable job: retried with backoff until the milestone's message is sent once."""
    milestone_text_send(event_id=event_id)
