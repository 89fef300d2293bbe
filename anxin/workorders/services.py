"""Writes on work orders: numbering, creation (``workorder_create``), the one transition service."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import require, role_of
from anxin.catalog.models import Brand, ProductCategory
from anxin.core.exceptions import Conflict, PermissionDenied
from anxin.core.outbox import outbox_kick
from anxin.customers.models import Customer, Device
from anxin.workorders.choices import (
    OPEN_STATUSES,
    TRANSITION_EVENT_VALUES,
    AttentionReason,
    Event,
    Status,
)
from anxin.workorders.models import OrderNumberCounter, WorkOrder, WorkOrderEvent
from anxin.workorders.permissions import RECORD_CONTACT, REVEAL, TRANSITIONS
from anxin.workorders.statemachine import events_from, next_status

if TYPE_CHECKING:  # for annotations only
    from anxin.network.models import ServicePoint, Technician


def workorder_number_next(*, when: dt.datetime) -> str:
    """Next WOyyyymmdd-nnnnnn for the local day, in one statement (an upsert returning the count).

    Call it outside a transaction, as intake does: the statement then commits by itself and the
    day's counter row is locked only for that statement, not across the intake (that lock capped
    throughput). A number taken by an intake that rolls back or links to an open order is never
    used: numbers are unique and increasing per day, but may have gaps.
    """
    day = timezone.localtime(when).date()
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("day", "last") VALUES (%s, 1) '  # the table name comes from the model
            f'ON CONFLICT ("day") DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"',
            [connection.ops.adapt_datefield_value(day)],
        )
        (last,) = cursor.fetchone()
    return f"WO{day:%Y%m%d}-{last:06d}"


def new_tracking_token() -> str:
    return secrets.token_urlsafe(18)[:24]


@transaction.atomic(savepoint=False)  # inside intake's transaction: no savepoint of its own
def workorder_create(
    *,
    channel: str,
    customer: Customer,
    device: Device | None,
    brand: Brand | None,
    category: ProductCategory | None,
    brand_text: str = "",
    category_text: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    service_address: str = "",
    description: str = "",
    county_code: str = "",
    township_code: str = "",
    preferred_time: str = "",
    attention: list[str] | None = None,
    service_point: ServicePoint | None = None,
    actor: User | None = None,
    note: str = "",
    number: str = "",
    at: dt.datetime | None = None,
) -> WorkOrder:
    """A new order and its ``created`` event, the one place orders are made. ``number``: taken
    beforehand with ``workorder_number_next`` (outside the caller's transaction), else here."""
    now, attention = at or timezone.now(), list(attention or [])
    order = WorkOrder.objects.create(
        number=number or workorder_number_next(when=now),
        channel=channel,
        customer=customer,
        device=device,
        brand=brand,
        category=category,
        brand_text=brand_text.strip()[:60],
        category_text=category_text.strip()[:60],
        contact_name=contact_name.strip()[:60],
        contact_phone=contact_phone,
        service_address=service_address.strip()[:300],
        description=description.strip()[:4000],
        county_code=county_code,
        township_code=township_code,
        in_warranty=device.in_warranty_on(timezone.localdate(now)) if device else None,
        preferred_time=preferred_time.strip()[:60],
        attention=attention,
        service_point=service_point,
        tracking_token=new_tracking_token(),
        created_by=actor if actor is not None and actor.pk else None,
        created_at=now,
    )
    workorder_event_record(
        order=order,
        event=Event.CREATED,
        to_status=order.status,
        actor=actor,
        actor_label="" if actor else f"{channel} channel",  # shown in words by the event_actor filter
        note="；".join(filter(None, [attention_note(attention), note])),
        at=now,
    )
    return order


def attention_note(attention: Collection[str]) -> str:
    """Why an order was flagged, in words (the timeline is stored in the site's default language)."""
    if not attention:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        labels = [
            str(AttentionReason(code).label) if code in AttentionReason.values else code for code in attention
        ]
        return _("需人工处理：") + "、".join(labels)


def workorder_event_record(
    *,
    order: WorkOrder,
    event: str,  # an Event value
    actor: User | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    actor_label: str = "",
    at: dt.datetime | None = None,
) -> WorkOrderEvent:
    """Append to the timeline; the apps that react to `event` (sla, dispatch) are woken on commit."""
    row = WorkOrderEvent.objects.create(
        order=order,
        event=event,
        from_status=from_status,
        to_status=to_status,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (str(actor) if actor is not None else "system"),
        note=note,
        created_at=at or timezone.now(),
    )
    outbox_kick(event)  # after the row exists: outside a transaction the kick runs at once
    return row


# A customer may cancel until the technician sets off; after that the visit is under way.
CUSTOMER_CANCELLABLE = frozenset(
    {Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED, Status.REOPENED}
)


def _check_actor_may(*, order: WorkOrder, event: str, actor: User | None) -> None:
    if actor is None:  # the system itself (timers, workers)
        return
    require(actor, TRANSITIONS[event], order, code="forbidden_transition", field="event")
    role = role_of(actor)
    if role == Role.CUSTOMER:
        if event == Event.CANCEL and order.status not in CUSTOMER_CANCELLABLE:
            raise PermissionDenied(
                _("技师已出发，如需取消请致电客服热线"), code="forbidden_transition", field="event"
            )
        if event in {Event.START_REPAIR, Event.COMPLETE} and order.status != Status.AWAITING_APPROVAL:
            raise PermissionDenied("Customers only answer a quote", code="forbidden_transition")


@transaction.atomic
def workorder_transition(
    *,
    order: WorkOrder,
    event: str,
    actor: User | None,
    note: str = "",
    technician: Technician | None = None,
    actor_label: str = "",
) -> WorkOrder:
    """Move an order through the state machine; the only place status changes.

    ``actor_label`` names an actor without a user (a customer through their tracking link).

    The update is conditional on the status we read (a concurrent transition
    makes this one fail with 409 instead of silently overwriting it).
    """
    if event not in TRANSITION_EVENT_VALUES:
        raise Conflict(f"Unknown event '{event}'", code="unknown_event", field="event")
    _check_actor_may(order=order, event=event, actor=actor)
    current = order.status
    target = next_status(current, event)
    if target is None:
        allowed = ", ".join(events_from(current)) or "none"
        raise Conflict(
            f"Cannot '{event}' an order that is '{current}' (allowed: {allowed})",
            code="illegal_transition",
            field="event",
        )
    if event == Event.COMPLETE and current == Status.AWAITING_APPROVAL and not note.strip():
        raise Conflict(
            "Completing without repair needs a note (why the quote was declined)",
            code="note_required",
            field="note",
        )

    changes: dict[str, object] = {"status": target, "updated_at": timezone.now()}
    if event == Event.DISPATCH:
        if technician is None:
            raise Conflict("Dispatch needs a technician", code="technician_required", field="technician")
        changes["technician"] = technician
        changes["service_point"] = technician.service_point
    elif event in (Event.TECHNICIAN_DECLINE, Event.WITHDRAW):
        changes["technician"] = None
    updated = WorkOrder.objects.filter(pk=order.pk, status=current).update(**changes)
    if updated != 1:
        raise Conflict("The order changed meanwhile; reload and try again", code="concurrent_update")
    for key, value in changes.items():
        setattr(order, key, value)

    workorder_event_record(
        order=order, event=event, actor=actor, note=note, from_status=current, to_status=target,
        actor_label=actor_label, at=timezone.now(),
    )  # fmt: skip
    return order


@transaction.atomic
def workorder_cancel_by_customer(*, order: WorkOrder, actor: User | None, reason: str = "") -> WorkOrder:
    """The customer cancels, signed in (``actor``) or through their tracking link (``actor`` None),
    until the technician sets off; after that only the hotline can (the visit is under way)."""
    if order.status not in CUSTOMER_CANCELLABLE:
        raise Conflict(_("技师已出发，如需取消请致电客服热线"), code="forbidden_transition", field="event")
    return workorder_transition(
        order=order,
        event=Event.CANCEL,
        actor=actor,
        note=reason.strip()[:300],
        actor_label="" if actor is not None else "customer (tracking link)",
    )


@transaction.atomic
def workorder_appointment_set(
    *,
    order: WorkOrder,
    start: dt.datetime,
    end: dt.datetime,
    actor: User | None,
    allowed_statuses: Collection[str],
    at: dt.datetime,
) -> WorkOrder:
    """Store the promised arrival window; conditional on the order still being in `allowed_statuses`."""
    if end <= start:
        raise Conflict("The window must end after it starts", code="invalid", field="end")
    updated = WorkOrder.objects.filter(pk=order.pk, status__in=allowed_statuses).update(
        appointment_start=start, appointment_end=end, updated_at=at
    )
    if not updated:
        raise Conflict("The order changed meanwhile; reload and try again", code="concurrent_update")
    order.appointment_start, order.appointment_end = start, end
    signed_in = actor is not None and actor.is_authenticated
    start_l, end_l = timezone.localtime(start), timezone.localtime(end)
    workorder_event_record(
        order=order,
        event=Event.APPOINTMENT_SET,
        actor=actor if signed_in else None,
        actor_label="" if signed_in else "customer (tracking link)",
        note=f"预约上门 {start_l:%m-%d %H:%M}–{end_l:%H:%M}",
        at=at,
    )
    return order


@transaction.atomic
def workorder_customer_contacted(*, order: WorkOrder, actor: User, note: str = "") -> WorkOrderEvent:
    """The technician or agent reached the customer (appointment agreed); sla keeps that promise."""
    require(actor, RECORD_CONTACT, order)
    if order.status not in OPEN_STATUSES:
        raise Conflict("The order is not open", code="illegal_transition", field="event")
    return workorder_event_record(order=order, event=Event.CUSTOMER_CONTACTED, actor=actor, note=note)


REVEALABLE_FIELDS = {"contact_phone", "contact_name", "service_address", "description"}


@transaction.atomic
def workorder_contact_reveal(
    *, order: WorkOrder, actor: User, field: str, reason: str = "", ip_address: str | None = None
) -> str:
    """Return one unmasked contact field and write the reveal to the audit log."""
    from anxin.core.services import reveal_log_create

    if field not in REVEALABLE_FIELDS:
        raise Conflict(
            f"'{field}' cannot be revealed; choose one of {sorted(REVEALABLE_FIELDS)}",
            code="invalid",
            field="field",
        )
    require(actor, REVEAL, order, field="field")
    reveal_log_create(
        actor=actor,
        subject_type="workorder",
        subject_id=order.number,
        field=field,
        reason=reason,
        ip_address=ip_address,
    )
    return cast(str, getattr(order, field))  # one of REVEALABLE_FIELDS, all text
