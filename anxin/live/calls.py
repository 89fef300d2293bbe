"""Number masking for an order: a binding made when the technician accepts, released when the order ends.

A reader of the work-order outbox with its own cursor (core.outbox): it reacts to the events below
after their commit (kick) and every minute (a lost kick only delays it). Both reactions are idempotent.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.live.models import CallBinding
from anxin.notifications.masking_calls import get_call_masking_provider
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder, WorkOrderEvent

logger = logging.getLogger("anxin.live")

OUTBOX = "live-calls"
BATCH = 500
BIND_ON = frozenset({Event.TECHNICIAN_ACCEPT.value})
# The order is over, or the technician it was bound to is no longer on it.
RELEASE_ON = frozenset(
    {e.value for e in (Event.COMPLETE, Event.CANCEL, Event.CLOSE, Event.TECHNICIAN_DECLINE, Event.WITHDRAW)}
)
BINDING_EVENTS = BIND_ON | RELEASE_ON


def call_binding_create(*, order: WorkOrder) -> CallBinding | None:
    """Bind a virtual number to the order's customer and technician (None without a technician or phone)."""
    open_binding = CallBinding.objects.filter(order=order, released_at__isnull=True).first()
    technician = order.technician
    if open_binding is not None and open_binding.technician_id == order.technician_id:
        return open_binding
    if open_binding is not None:
        call_binding_release(order=order)
    customer_phone = order.contact_phone or order.customer.phone
    if technician is None or not customer_phone:
        return None
    # The platform keeps no technician's own phone: the carrier reaches him through his service point's line.
    technician_phone = technician.service_point.phone
    provider = get_call_masking_provider()
    in_use = CallBinding.objects.filter(provider=provider.name, released_at__isnull=True).values_list(
        "virtual_number", flat=True
    )
    bound = provider.bind(
        party_a=customer_phone, party_b=technician_phone, reference=order.number, numbers_in_use=list(in_use)
    )
    return CallBinding.objects.create(
        order=order, technician=technician, provider=provider.name, binding_id=bound.binding_id,
        virtual_number=bound.virtual_number, customer_phone=customer_phone,
        technician_phone=technician_phone, created_at=timezone.now(),
    )  # fmt: skip


def call_binding_release(*, order: WorkOrder) -> int:
    """Release the order's open binding(s); the virtual number goes back to the pool."""
    released = 0
    provider = get_call_masking_provider()
    for binding in CallBinding.objects.filter(order=order, released_at__isnull=True):
        provider.release(binding_id=binding.binding_id, virtual_number=binding.virtual_number)
        released += CallBinding.objects.filter(pk=binding.pk, released_at__isnull=True).update(
            released_at=timezone.now()
        )
    return released


def _timeline_end() -> tuple[int, int]:
    # A new reader starts at the end: orders accepted before it existed keep the hotline relay.
    return WorkOrderEvent.objects.order_by("-txid", "-id").values_list("txid", "id").first() or (0, 0)


def calls_outbox_read(*, batch: int = BATCH) -> int:
    """Bind and release for every relevant event since the last read; returns rows read."""
    read = 0
    while True:
        taken = _read_batch(limit=batch)
        read += taken
        if taken < batch:
            return read


@transaction.atomic
def _read_batch(*, limit: int) -> int:
    cursor, _ = outbox_cursor(OUTBOX, start=_timeline_end)
    rows = list(
        outbox_unread(cursor, WorkOrderEvent.objects.all()).values_list("txid", "id", "order_id", "event")[
            :limit
        ]
    )
    if not rows or not outbox_cursor_move(cursor, to=rows[-1][:2]):
        return 0
    wanted = [(order_id, event) for _, _, order_id, event in rows if event in BINDING_EVENTS]
    orders = WorkOrder.objects.select_related("customer", "technician__service_point").in_bulk(
        [order_id for order_id, _ in wanted]
    )
    for order_id, event in wanted:
        order = orders[order_id]
        if event in RELEASE_ON:
            call_binding_release(order=order)
        elif order.technician_id is not None:
            call_binding_create(order=order)
    return len(rows)
