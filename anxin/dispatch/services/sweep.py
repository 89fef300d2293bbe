"""The worker's sweep: expire lapsed offers, re-plan after order events read from the outbox, catch overruns,
and (a job of its own, ``offers_consistency_check``) make sure no order is stranded: offered without a live
offer, or waiting while someone is on shift.

The work-order timeline is the outbox; a cursor row marks how far the sweep has read.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.dispatch.choices import OfferState, PlanTrigger
from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPlan
from anxin.dispatch.selectors import (
    OFFERABLE_STATUSES,
    STARTED_STATUSES,
    day_problem,
    minute_of,
    order_is_blocked,
    plan_stored,
    plan_to_engine,
)
from anxin.dispatch.services.coverage import coverage_changes_apply
from anxin.dispatch.services.offers import offer_for_new_order, offer_next, offers_expire_due
from anxin.dispatch.services.plans import plan_refresh
from anxin.dispatch.services.technicians import technicians_back_on_duty
from anxin.network.models import ServicePoint
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.services import workorder_transition

OUTBOX = "dispatch"
REPLAN_EVENTS = {
    Event.CANCEL,
    Event.REOPEN,
    Event.COMPLETE,
    Event.ARRIVE,
    Event.DEPART,
    Event.TECHNICIAN_DECLINE,
    Event.WITHDRAW,
    Event.APPOINTMENT_SET,
    Event.TECHNICIAN_ACCEPT,
    Event.DISPATCH,
    Event.CORRECTED,
}
# Orders these events may have made offerable again: offered like a new order (a no-op when blocked).
REOFFER_EVENTS = {Event.REOPEN, Event.CORRECTED}


def dispatch_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every minute: expire lapsed offers, re-plan after order events from elsewhere, catch overruns."""
    now = now or timezone.now()
    counts = {"expired": offers_expire_due(now=now), "replanned": 0, "reoffered": 0}
    counts["covered"] = coverage_changes_apply(now=now)
    touched, reopened = _outbox_read(now=now)
    today = timezone.localdate(now)
    overrunning = _overrunning_points(now)
    for point in ServicePoint.objects.filter(pk__in={sp for sp, _ in touched} | overrunning):
        days = {d for sp, d in touched if sp == point.pk and d >= today} | {today}
        for day in sorted(days):
            dp = day_problem(service_point=point, day=day, now=now)
            stored = plan_stored(service_point=point, day=day)
            forced = point.pk in overrunning and day == today
            if stored is None or stored.signature != dp.signature or forced:
                plan_refresh(service_point=point, day=day, trigger=PlanTrigger.ORDER_EVENT, now=now)
                counts["replanned"] += 1
    for order in WorkOrder.objects.filter(pk__in=reopened, status__in=OFFERABLE_STATUSES):
        if offer_for_new_order(order_id=order.pk) is not None:
            counts["reoffered"] += 1
    return counts


CONSISTENCY_BATCH = 100


def offers_consistency_check(*, now: dt.datetime) -> dict[str, int]:
    """No order may sit where nobody can accept it and nothing will re-offer it.

    An order offered (dispatched) without a pending offer is taken back and offered again (or escalated);
    an order waiting for a technician with no offer and no open escalation (filed after hours, or its
    offer lapsed after the shift ended) is offered as soon as someone is on shift, else escalated.
    Technicians who signed off on a previous day are shown as available again first.
    """
    live = DispatchOffer.objects.filter(order=OuterRef("pk"), state=OfferState.PENDING)
    escalated = DispatchEscalation.objects.filter(order=OuterRef("pk"), resolved_at__isnull=True)
    stranded = WorkOrder.objects.filter(status=Status.DISPATCHED).exclude(Exists(live))
    counts = {"stranded": 0, "waiting_offered": 0, "back_on_duty": technicians_back_on_duty(now=now)}
    for order in stranded.select_related("technician")[:CONSISTENCY_BATCH]:
        if _stranded_release(order=order, now=now) and offer_next(order=order, now=now) is not None:
            counts["stranded"] += 1
    waiting = (
        WorkOrder.objects.filter(status__in=OFFERABLE_STATUSES, service_point__isnull=False)
        .exclude(Exists(live))
        .exclude(Exists(escalated))
        .order_by("created_at", "id")
    )
    for order in waiting.select_related("service_point", "category")[:CONSISTENCY_BATCH]:
        if not order_is_blocked(order) and offer_next(order=order, now=now) is not None:
            counts["waiting_offered"] += 1
    return counts


@transaction.atomic
def _stranded_release(*, order: WorkOrder, now: dt.datetime) -> bool:
    """Take back a dispatched order whose offer is gone (conditional: False when it changed meanwhile)."""
    locked = WorkOrder.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
    if locked is None or locked.status != Status.DISPATCHED:
        return False
    if DispatchOffer.objects.filter(order=locked, state=OfferState.PENDING).exists():
        return False
    workorder_transition(
        order=locked, event=Event.WITHDRAW, actor=None, note="派单无有效邀约，系统收回重新派单"
    )
    order.status, order.technician = locked.status, locked.technician
    return True


def _outbox_read(*, now: dt.datetime) -> tuple[set[tuple[int, dt.date]], set[int]]:
    """New timeline rows since the last sweep (the timeline is the outbox); the cursor moves conditionally."""
    cursor, created = outbox_cursor(
        OUTBOX,
        start=lambda: (
            WorkOrderEvent.objects.order_by("-txid", "-id").values_list("txid", "id").first() or (0, 0)
        ),
    )
    if created:
        return set(), set()
    rows = list(
        outbox_unread(cursor, WorkOrderEvent.objects.filter(event__in=REPLAN_EVENTS)).select_related("order")[
            :500
        ]
    )
    if not rows:
        return set(), set()
    if not outbox_cursor_move(cursor, to=(rows[-1].txid, rows[-1].id)):
        return set(), set()  # another worker took this batch
    touched = set()
    for row in rows:
        if row.order.service_point_id:
            day = (
                timezone.localdate(row.order.appointment_start)
                if row.order.appointment_start
                else timezone.localdate(now)
            )
            touched.add((row.order.service_point_id, day))
    reopened = {row.order_id for row in rows if row.event in REOFFER_EVENTS}
    return touched, reopened


def _overrunning_points(now: dt.datetime) -> set[int]:
    """Service points where a started visit has run past its planned end (re-planned at most every 5 min)."""
    today = timezone.localdate(now)
    minute = minute_of(now, today)
    points = set()
    for plan in DispatchPlan.objects.filter(day=today, planned_at__lte=now - dt.timedelta(minutes=5)):
        late_ids = [s.job_id for _, s in plan_to_engine(plan).stops() if s.end < minute and s.locked]
        if late_ids and WorkOrder.objects.filter(number__in=late_ids, status__in=STARTED_STATUSES).exists():
            points.add(plan.service_point_id)
    return points
