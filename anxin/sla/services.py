"""The SLA engine for the whole order: policies, business calendars, pauses, warnings, escalations.

Clocks start on order events (intake starts most; completion starts the follow-up clock), are met
by other events, stop while the order waits on the customer or on parts, and are swept every
minute by the worker, which warns before a breach, flags the breach for dispatchers and escalates to
supervisors when nobody acts.

Work orders never call this module: sla reads the work-order timeline (the outbox) through its own
cursor, woken on the commit of every event (``anxin.core.outbox``) and every minute, and applies
each event at the time it was recorded, so a late read never moves a deadline. Pausing and resuming
are direct calls from the pages and the API.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.core.exceptions import Conflict
from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.network.models import ServicePoint
from anxin.sla.calendars import BusinessCalendar
from anxin.sla.choices import AlertLevel, PauseReason, SlaKind, SlaState
from anxin.sla.models import SlaAlert, SlaClock, SlaPause, SlaPolicy
from anxin.sla.permissions import PAUSE, RESUME
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.services import workorder_event_record

logger = logging.getLogger("anxin.sla")


@dataclass(frozen=True)
class TargetSpec:
    kind: str
    minutes: int
    starts_on: str
    warn_before_minutes: int


# Used when no policy matches: the brands' public promise ("30 minutes"), round the clock.
DEFAULT_TARGETS = (
    TargetSpec(SlaKind.TECHNICIAN_CONFIRMED, 30, "created", 10),
    TargetSpec(SlaKind.CUSTOMER_CONTACTED, 120, "created", 30),
    TargetSpec(SlaKind.ON_SITE, 24 * 60, "created", 120),
    TargetSpec(SlaKind.COMPLETED, 72 * 60, "created", 240),
    TargetSpec(SlaKind.FOLLOWED_UP, 24 * 60, "complete", 120),
)
DEFAULT_ESCALATE_AFTER = dt.timedelta(minutes=30)

# Which order event keeps which promise.
MET_BY: dict[str, str] = {
    Event.TECHNICIAN_ACCEPT: SlaKind.TECHNICIAN_CONFIRMED,
    "customer_contacted": SlaKind.CUSTOMER_CONTACTED,
    Event.ARRIVE: SlaKind.ON_SITE,
    Event.COMPLETE: SlaKind.COMPLETED,
    Event.FOLLOW_UP: SlaKind.FOLLOWED_UP,
}
OPEN_STATES = (SlaState.RUNNING, SlaState.PAUSED)


_policy_cache: tuple[float, list[SlaPolicy]] | None = None
POLICY_CACHE_SECONDS = 30.0


def sla_policies_active(*, fresh: bool = False) -> list[SlaPolicy]:
    """Active policies with their targets; a handful of rows read at every intake, kept per process."""
    global _policy_cache
    now = time.monotonic()
    if fresh or _policy_cache is None or now - _policy_cache[0] > POLICY_CACHE_SECONDS:
        _policy_cache = (now, list(SlaPolicy.objects.filter(is_active=True).prefetch_related("targets")))
    return _policy_cache[1]


def sla_policy_cache_clear() -> None:
    global _policy_cache
    _policy_cache = None


def sla_policy_for(*, order: WorkOrder) -> SlaPolicy | None:
    """The most specific active policy: brand, then category, then priority must match or be empty."""
    candidates = [
        p
        for p in sla_policies_active()
        if p.brand_id in (None, order.brand_id)
        and p.category_id in (None, order.category_id)
        and p.priority in ("", order.priority)
    ]

    def specificity(policy: SlaPolicy) -> tuple[int, int, int]:
        return (policy.brand_id is not None, policy.category_id is not None, policy.priority != "")

    return max(candidates, key=specificity, default=None)


def service_point_calendar(point: ServicePoint | None) -> BusinessCalendar:
    """When a service point works: its published opening hours every day (technicians' shifts say which
    days each of them works); round the clock when it is open 24 h or publishes no hours."""
    if point is None or point.open_24h or not point.opening_hours.strip():
        return BusinessCalendar.always_open()
    return BusinessCalendar.from_text(
        point.opening_hours, weekend=frozenset(), holidays=frozenset(), makeup_workdays=frozenset()
    )


def calendar_for(policy: SlaPolicy | None, point: ServicePoint | None = None) -> BusinessCalendar:
    """The policy's calendar; a round-the-clock promise at a point that closes at night follows the
    point's hours, since nobody can confirm, call or visit while it is closed (an order filed at
    23:50 is not overdue at 00:20)."""
    if policy is None or policy.round_the_clock:
        return service_point_calendar(point)
    extra = frozenset(
        dt.date.fromisoformat(d.strip()) for d in policy.region_holidays.split(",") if d.strip()
    )
    return BusinessCalendar.from_text(policy.working_hours or "08:30-12:00,13:30-18:00", extra_holidays=extra)


def _targets(policy: SlaPolicy | None) -> list[TargetSpec]:
    if policy is None:
        return list(DEFAULT_TARGETS)
    return [TargetSpec(t.kind, t.minutes, t.starts_on, t.warn_before_minutes) for t in policy.targets.all()]


def _pauses(order: WorkOrder) -> list[tuple[dt.datetime, dt.datetime]]:
    far = timezone.now() + dt.timedelta(days=3650)
    return [(p.started_at, p.ended_at or far) for p in SlaPause.objects.filter(order=order)]


def sla_clocks_start(
    *, order: WorkOrder, event: str = "created", at: dt.datetime | None = None
) -> list[SlaClock]:
    """Start the clocks whose targets begin with `event` at `at` (the time the event was recorded).

    A pause that began after `at` (the event was read late) applies as if the clock had been
    running then: an open one starts the clock paused, a finished one moves its deadline.
    """
    at = at or timezone.now()
    policy = sla_policy_for(order=order)
    targets = [target for target in _targets(policy) if target.starts_on == event]
    if not targets:
        return []
    calendar = calendar_for(policy, order.service_point)
    later = list(SlaPause.objects.filter(order=order, started_at__gte=at))
    paused = any(p.ended_at is None for p in later)
    pauses = [(p.started_at, p.ended_at) for p in later if p.ended_at is not None]
    clocks = [
        SlaClock(
            order=order,
            kind=target.kind,
            policy=policy,
            target_minutes=target.minutes,
            warn_before_minutes=target.warn_before_minutes,
            state=SlaState.PAUSED if paused else SlaState.RUNNING,
            started_at=at,
            due_at=calendar.deadline(at, target.minutes, pauses),
        )
        for target in targets
    ]
    existing = set(
        SlaClock.objects.filter(order=order, kind__in=[c.kind for c in clocks]).values_list("kind", flat=True)
    )
    return SlaClock.objects.bulk_create([c for c in clocks if c.kind not in existing])


def sla_on_event(*, order: WorkOrder, event: str, at: dt.datetime | None = None) -> None:
    """Keep the promise `event` fulfils, start the ones it begins, stop all on cancellation.

    Only clocks started by `at` are touched, so an event read late never settles a later clock.
    """
    at = at or timezone.now()
    kept = MET_BY.get(event)
    if kept:
        clocks = SlaClock.objects.filter(order=order, kind=kept, started_at__lte=at)
        clocks.filter(state__in=OPEN_STATES).update(state=SlaState.MET, finished_at=at)
        # Read after the sweep flagged a breach that the event, recorded in time, had prevented.
        clocks.filter(state=SlaState.BREACHED, breached_at__gt=at).update(state=SlaState.MET, finished_at=at)
        clocks.filter(state=SlaState.BREACHED, finished_at__isnull=True).update(finished_at=at)
    if event == Event.CANCEL:
        SlaClock.objects.filter(order=order, state__in=OPEN_STATES, started_at__lte=at).update(
            state=SlaState.CANCELLED, finished_at=at
        )
        SlaPause.objects.filter(order=order, ended_at__isnull=True, started_at__lte=at).update(ended_at=at)
    elif event == Event.REOPEN:
        # A reopened order gets a fresh confirmation promise: the customer is waiting again.
        SlaClock.objects.filter(order=order, kind=SlaKind.TECHNICIAN_CONFIRMED, started_at__lt=at).delete()
        sla_clocks_start(order=order, event=Event.CREATED, at=at)
    else:
        sla_clocks_start(order=order, event=event, at=at)


OUTBOX = "sla"
OUTBOX_BATCH = 500


def sla_outbox_read(*, batch: int = OUTBOX_BATCH) -> int:
    """React to the work-order events recorded since the last read, in order; returns how many were read.

    Runs after the commit of every order event (outbox kick) and every minute before the sweep.
    The cursor is created by migration where the synchronous calls stopped; if it is missing the
    whole timeline is read again, which the reactions tolerate (they are idempotent).
    """
    read = 0
    while True:
        taken = _outbox_read_batch(limit=batch)
        read += taken
        if taken < batch:
            return read


@transaction.atomic
def _outbox_read_batch(*, limit: int) -> int:
    cursor, _ = outbox_cursor(OUTBOX)
    rows = list(
        outbox_unread(cursor, WorkOrderEvent.objects.all()).values_list(
            "txid", "id", "order_id", "event", "created_at"
        )[:limit]
    )
    # The cursor moves in this transaction: a failed reaction leaves the batch to the next read,
    # and a concurrent reader waits for the row, then finds it moved and takes nothing.
    if not rows or not outbox_cursor_move(cursor, to=rows[-1][:2]):
        return 0
    wanted = (
        {*MET_BY, Event.CANCEL, Event.REOPEN}
        | {t.starts_on for t in DEFAULT_TARGETS}
        | {t.starts_on for p in sla_policies_active() for t in p.targets.all()}
    )
    relevant = [row[2:] for row in rows if row[3] in wanted]
    # Only what the policy and the calendar need: the encrypted fields stay undecrypted.
    fields = (
        "id",
        "brand_id",
        "category_id",
        "priority",
        "service_point__open_24h",
        "service_point__opening_hours",
    )
    orders = (
        WorkOrder.objects.select_related("service_point")
        .only(*fields)
        .in_bulk({order_id for order_id, _, _ in relevant})
    )
    for order_id, event, at in relevant:
        if order_id in orders:
            sla_on_event(order=orders[order_id], event=event, at=at)
    return len(rows)


@transaction.atomic
def sla_pause(
    *, order: WorkOrder, reason: str, actor: User, note: str = "", at: dt.datetime | None = None
) -> SlaPause:
    """Stop every running clock of the order while it waits on the customer or on parts."""
    require(actor, PAUSE, order)
    if reason not in PauseReason.values:
        raise Conflict(
            gettext("未知的暂停原因「%(reason)s」") % {"reason": reason}, code="invalid", field="reason"
        )
    at = at or timezone.now()
    try:
        with transaction.atomic():
            pause = SlaPause.objects.create(
                order=order, reason=reason, note=note[:300], paused_by=actor, started_at=at
            )
    except IntegrityError as exc:
        raise Conflict(gettext("该工单的 SLA 计时已暂停"), code="already_paused", field="reason") from exc
    SlaClock.objects.filter(order=order, state=SlaState.RUNNING).update(state=SlaState.PAUSED)
    workorder_event_record(
        order=order,
        event=Event.SLA_PAUSED,
        actor=actor,
        note=f"{PauseReason(reason).label}: {note}".strip(": "),
        at=at,
    )
    return pause


@transaction.atomic
def sla_resume(*, order: WorkOrder, actor: User, at: dt.datetime | None = None) -> SlaPause:
    """Restart the clocks; each deadline moves by exactly the paused business time."""
    require(actor, RESUME, order)
    at = at or timezone.now()
    pause = SlaPause.objects.select_for_update().filter(order=order, ended_at__isnull=True).first()
    if pause is None:
        raise Conflict(gettext("该工单的 SLA 计时未暂停"), code="not_paused")
    pause.ended_at = at
    pause.resumed_by = actor
    pause.save(update_fields=["ended_at", "resumed_by"])
    pauses = _pauses(order)
    for clock in SlaClock.objects.select_related("policy").filter(order=order, state=SlaState.PAUSED):
        clock.due_at = calendar_for(clock.policy, order.service_point).deadline(
            clock.started_at, clock.target_minutes, pauses
        )
        clock.state = SlaState.RUNNING
        clock.save(update_fields=["due_at", "state"])
    workorder_event_record(order=order, event=Event.SLA_RESUMED, actor=actor, at=at)
    return pause


def _alert(clock: SlaClock, level: str, notify_role: str, message: str) -> SlaAlert | None:
    try:
        with transaction.atomic():
            alert = SlaAlert.objects.create(
                clock=clock, level=level, notify_role=notify_role, message=message[:300]
            )
    except IntegrityError:  # another worker raised it first
        return None
    logger.warning("SLA %s for %s: %s (notify %s)", level, clock.order.number, message, notify_role)
    return alert


def sla_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Warn, flag breaches, escalate. Idempotent and safe to run in several workers at once."""
    now = now or timezone.now()
    counts = {"warned": 0, "breached": 0, "escalated": 0}
    for clock in SlaClock.objects.select_related("order").filter(
        state=SlaState.RUNNING, warned_at__isnull=True, due_at__gt=now
    ):
        if clock.due_at - dt.timedelta(minutes=clock.warn_before_minutes) > now:
            continue
        if SlaClock.objects.filter(pk=clock.pk, warned_at__isnull=True).update(warned_at=now):
            minutes = int((clock.due_at - now).total_seconds() // 60)
            _alert(
                clock,
                AlertLevel.WARNING,
                Role.DISPATCHER,
                f"{clock.order.number} {clock.get_kind_display()} 将在 {minutes} 分钟后超时",
            )
            counts["warned"] += 1
    for clock in SlaClock.objects.select_related("order").filter(state=SlaState.RUNNING, due_at__lte=now):
        if SlaClock.objects.filter(pk=clock.pk, state=SlaState.RUNNING).update(
            state=SlaState.BREACHED, breached_at=clock.due_at
        ):
            _alert(
                clock,
                AlertLevel.BREACH,
                Role.DISPATCHER,
                f"{clock.order.number} {clock.get_kind_display()} 已超时",
            )
            counts["breached"] += 1
    for clock in SlaClock.objects.select_related("order", "policy").filter(
        state=SlaState.BREACHED, finished_at__isnull=True, escalated_at__isnull=True
    ):
        after = (
            dt.timedelta(minutes=clock.policy.escalate_after_minutes)
            if clock.policy
            else DEFAULT_ESCALATE_AFTER
        )
        if clock.breached_at and clock.breached_at + after <= now:
            if SlaClock.objects.filter(pk=clock.pk, escalated_at__isnull=True).update(escalated_at=now):
                _alert(
                    clock,
                    AlertLevel.ESCALATION,
                    Role.ADMIN,
                    f"{clock.order.number} {clock.get_kind_display()} 超时 {int((now - clock.breached_at).total_seconds() // 60)} 分钟仍未处理",
                )
                counts["escalated"] += 1
    return counts


@transaction.atomic
def sla_alert_acknowledge(*, alert: SlaAlert, actor: User) -> SlaAlert:
    SlaAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=timezone.now()
    )
    alert.refresh_from_db()
    return alert
