"""The worker's sweep: expire lapsed offers, re-plan after order events read from the outbox, catch overruns.

The work-order timeline is the outbox; a cursor row marks how far the sweep has read.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.dispatch.choices import PlanTrigger
from anxin.dispatch.models import DispatchPlan
from anxin.dispatch.selectors import (
    OFFERABLE_STATUSES,
    STARTED_STATUSES,
    day_problem,
    minute_of,
    plan_stored,
    plan_to_engine,
)
from anxin.dispatch.services.coverage import coverage_changes_apply
from anxin.dispatch.services.offers import offer_for_new_order, offers_expire_due
from anxin.dispatch.services.plans import plan_refresh
from anxin.network.models import ServicePoint
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder, WorkOrderEvent

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
