"""Customer self-scheduling: the arrival windows the current plan can keep, and booking one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.core.exceptions import Conflict
from anxin.dispatch import selectors
from anxin.dispatch.choices import PlanTrigger
from anxin.dispatch.engine.insertion import feasible_slots
from anxin.dispatch.permissions import SLOT_BOOK
from anxin.dispatch.selectors import (
    OFFERABLE_STATUSES,
    DayProblem,
    at_minute,
    day_problem,
    minute_of,
    order_is_blocked,
    order_job,
)
from anxin.dispatch.services.plans import plan_refresh_later, plan_without
from anxin.dispatch.services.problem import network_for
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_appointment_set

SLOT_DAYS = 3
SLOT_MINUTES = 120
SLOT_LEAD_MINUTES = 60  # today's slots start at least this long from now
SLOT_STATUSES = OFFERABLE_STATUSES | {Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED}


@dataclass(frozen=True)
class SlotOption:
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    technician_id: str

    @property
    def key(self) -> str:
        return self.start.isoformat()


def slot_windows(dp: DayProblem, *, now: dt.datetime) -> list[tuple[int, int]]:
    """Two-hour arrival windows on the hour within the service point's shifts (today: from now + lead)."""
    first, last = dp.shift_window
    start = -(-first // 60) * 60
    earliest = minute_of(now, dp.day) + SLOT_LEAD_MINUTES
    windows = []
    while start + SLOT_MINUTES <= last:
        if start >= earliest:
            windows.append((start, start + SLOT_MINUTES))
        start += SLOT_MINUTES
    return windows


def slots_for_order(
    *,
    order: WorkOrder,
    now: dt.datetime | None = None,
    days: int = SLOT_DAYS,
    only_day: dt.date | None = None,
) -> list[SlotOption]:
    """Windows the current plan can keep: someone able to do the job arrives in time, nobody else gets later."""
    now = now or timezone.now()
    if order.status not in SLOT_STATUSES or order.service_point_id is None or order_is_blocked(order):
        return []
    today = timezone.localdate(now)
    options: list[SlotOption] = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        if only_day is not None and day != only_day:
            continue
        assert order.service_point is not None  # service_point_id checked above
        dp = day_problem(service_point=order.service_point, day=day, now=now)
        windows = slot_windows(dp, now=now)
        template = order_job(order, day=day, shift_window=dp.shift_window, pin=None, window=(0, 0))
        if not windows or template is None or not dp.problem.technicians:
            continue
        problem, plan = plan_without(dp=dp, number=order.number)
        net = network_for(problem)
        for verdict in feasible_slots(net, problem, plan, template=template, slots=windows):
            if verdict.feasible and verdict.insertion is not None:
                options.append(
                    SlotOption(
                        day,
                        at_minute(day, verdict.start),
                        at_minute(day, verdict.end),
                        verdict.insertion.technician_id,
                    )
                )
    return options


def slot_choose(
    *, order: WorkOrder, start: dt.datetime, actor: User | None, now: dt.datetime | None = None
) -> WorkOrder:
    """Book an arrival window the plan can keep; re-checked now, so a slot taken meanwhile is refused."""
    now = now or timezone.now()
    if actor is not None and actor.is_authenticated:  # else: by the tracking link's token
        require(actor, SLOT_BOOK, order)
    if timezone.is_naive(start):
        start = timezone.make_aware(start, selectors.local_tz())
    if order.status not in SLOT_STATUSES:
        raise Conflict(
            gettext("该上门预约已无法在线改期，请致电客服热线"),
            code="illegal_transition",
            field="start",
        )
    day = timezone.localdate(start)
    offered = {o.start: o for o in slots_for_order(order=order, now=now, only_day=day)}
    option = offered.get(start)
    if option is None:
        raise Conflict(gettext("该时间段已不可预约，请另选时间"), code="slot_unavailable", field="start")
    previous_day = timezone.localdate(order.appointment_start) if order.appointment_start else None
    with transaction.atomic():
        workorder_appointment_set(
            order=order,
            start=option.start,
            end=option.end,
            actor=actor,
            allowed_statuses=SLOT_STATUSES,
            at=now,
        )
        plan_refresh_later(service_point_id=order.service_point_id, day=day, trigger=PlanTrigger.SLOT)
        if previous_day and previous_day != day:
            plan_refresh_later(
                service_point_id=order.service_point_id, day=previous_day, trigger=PlanTrigger.SLOT
            )
    return order
