"""Technician writes: phone location, live status (off sick releases his jobs), visit steps, and his task
cards (they reveal the address of an accepted job, audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.core.exceptions import ValidationFailed
from anxin.core.models import RevealLog
from anxin.dispatch import selectors
from anxin.dispatch.choices import OfferState, PlanTrigger
from anxin.dispatch.models import DispatchOffer, DispatchPin
from anxin.dispatch.permissions import TECHNICIAN_STATUS
from anxin.dispatch.services.offers import offer_next
from anxin.dispatch.services.plans import plan_refresh_later
from anxin.network.choices import TechnicianStatus
from anxin.network.models import Technician
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.permissions import REVEAL
from anxin.workorders.selectors import IMAGE_TYPES, attachments_of
from anxin.workorders.services import workorder_contact_reveal, workorder_transition
from anxin.workorders.statemachine import events_from


def technician_status_set(
    *,
    technician: Technician,
    status: str,
    actor: User,
    late_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> Technician:
    """Available / off (sick, called away) / running late. Off: his offers and unstarted jobs go to others."""
    if status not in TechnicianStatus.values:
        raise ValidationFailed(gettext("未知的状态「%(status)s」") % {"status": status}, field="status")
    require(actor, TECHNICIAN_STATUS, technician, field="technician")
    now = now or timezone.now()
    released: list[WorkOrder] = []
    with transaction.atomic():
        changes: dict[str, Any] = {"status": status, "status_changed_at": now}
        if late_minutes is not None:
            if not 0 <= late_minutes <= 8 * 60:
                raise ValidationFailed(gettext("迟到时间应为 0 到 480 分钟"), field="late_minutes")
            changes["available_from"] = now + dt.timedelta(minutes=late_minutes)
        Technician.objects.filter(pk=technician.pk).update(**changes)
        for key, value in changes.items():
            setattr(technician, key, value)
        if status == TechnicianStatus.OFF:
            released = _technician_release(technician=technician, now=now)
    for order in released:
        offer_next(order=order, now=now)
    trigger = PlanTrigger.TECHNICIAN
    plan_refresh_later(service_point_id=technician.service_point_id, trigger=trigger)
    return technician


def technicians_back_on_duty(*, now: dt.datetime) -> int:
    """Put technicians whose 下班/请假 has lapsed (a previous day's) back to available, so that the
    phone and the board show it; the offer loop already ignores a lapsed "off" (``technician_signed_off``)."""
    today_start = selectors.local_midnight(timezone.localdate(now))
    return Technician.objects.filter(status=TechnicianStatus.OFF, status_changed_at__lt=today_start).update(
        status=TechnicianStatus.AVAILABLE, status_changed_at=now, available_from=None
    )


def _technician_release(*, technician: Technician, now: dt.datetime) -> list[WorkOrder]:
    """Withdraw his pending offers and hand back today's jobs he has not started."""
    today_end = selectors.local_midnight(timezone.localdate(now) + dt.timedelta(days=1))
    released = []
    for order in (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("technician")
        .filter(technician=technician, status__in=[Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED])
    ):
        if order.appointment_start is not None and order.appointment_start >= today_end:
            continue  # a later day: he may be back by then
        DispatchOffer.objects.filter(order=order, state=OfferState.PENDING).update(
            state=OfferState.WITHDRAWN, answered_at=now, note="技师下班/请假"
        )
        DispatchPin.objects.filter(order=order).delete()
        workorder_transition(
            order=order, event=Event.WITHDRAW, actor=None, note=f"{technician} 下班/请假，重新派单"
        )
        released.append(order)
    return released


VISIT_STEPS = [
    Event.DEPART,
    Event.ARRIVE,
    Event.DIAGNOSE,
    Event.REQUEST_APPROVAL,
    Event.START_REPAIR,
    Event.COMPLETE,
]
# The card's buttons are the bare status changes; diagnosis, quote, repair and completion are recorded on
# the visit pages (their transitions are guarded: anxin/visits/completion.py), linked from the card.
CARD_STEPS = frozenset({Event.DEPART, Event.ARRIVE})
# One audit row per technician and order per working day, not one per 30-second refresh of his phone.
REVEAL_AUDIT_WINDOW = dt.timedelta(hours=12)


def technician_task_cards(*, technician: Technician, actor: User) -> list[selectors.TaskCard]:
    """His jobs as phone cards. An accepted job shows the full address (a reveal to the assigned
    technician, audited), the navigation link and the photos; an offered one only district and street."""
    jobs = selectors.technician_jobs_today(technician=technician)
    cards = []
    for job in jobs:
        steps = [e for e in events_from(job.status) if e in CARD_STEPS]
        if job.status == Status.DISPATCHED:  # offered, not yet accepted
            cards.append(selectors.TaskCard(job, selectors.order_area(job), "", "", steps))
            continue
        address = _task_address(order=job, actor=actor)
        nav_url = selectors.map_link(address=address, location=selectors.order_location(job))
        photos = [a for a in attachments_of(order=job) if a.content_type in IMAGE_TYPES]
        primary = bool(steps) and not any(c.primary for c in cards)
        cards.append(
            selectors.TaskCard(job, selectors.order_area(job), address, nav_url, steps, photos, primary)
        )
    return cards


def _task_address(*, order: WorkOrder, actor: User) -> str:
    seen = RevealLog.objects.filter(
        actor=actor,
        subject_type="workorder",
        subject_id=order.number,
        field="service_address",
        created_at__gte=timezone.now() - REVEAL_AUDIT_WINDOW,
    ).exists()
    if not seen:
        return workorder_contact_reveal(
            order=order, actor=actor, field="service_address", reason="技师接单后上门（手机任务卡）"
        )
    require(actor, REVEAL, order, field="field")  # audited within the window: still his job?
    return order.service_address


def technician_order_advance(*, order: WorkOrder, event: str, actor: User) -> WorkOrder:
    """A status button on the phone (depart, arrive, …); the transition also moves his live status
    (``workorders.services.workorder_transition``, alike on every path), then today's plan is refreshed."""
    if event not in VISIT_STEPS:
        raise ValidationFailed(gettext("「%(event)s」不是上门步骤") % {"event": event}, field="event")
    order = workorder_transition(order=order, event=event, actor=actor)
    plan_refresh_later(service_point_id=order.service_point_id, trigger=PlanTrigger.ORDER_EVENT)
    return order
