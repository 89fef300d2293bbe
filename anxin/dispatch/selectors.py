"""Dispatch reads: technicians, offers, plans, and the day problem the engine plans.

The engine (``anxin.dispatch.engine``) is pure: it knows minutes since local midnight, places
as lat/lon and string ids. ``day_problem`` is the one place that turns orders, technicians,
pins and the timeline into an engine ``Problem`` (technician id = employee number, job id =
order number); every caller (plans, offers, slot picker, board) goes through it, so they all
plan the same day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Protocol, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import can, require, role_of
from anxin.areas.coverage import covered_counties
from anxin.areas.maps import MapSpec, Marker, county_outline
from anxin.areas.maps import Route as MapRoute
from anxin.areas.selectors import division_get
from anxin.areas.tree import get_tree
from anxin.core.exceptions import NotFound
from anxin.dispatch.choices import OfferState
from anxin.dispatch.engine.model import Break, Job, Plan, Problem, Route, Stop
from anxin.dispatch.engine.model import Technician as EngineTechnician
from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPin, DispatchPlan
from anxin.dispatch.permissions import BOARD
from anxin.dispatch.travel import LatLon
from anxin.network.choices import TechnicianStatus
from anxin.network.models import ServicePoint, Technician
from anxin.network.selectors import technicians_of_point
from anxin.sla.choices import SlaKind
from anxin.sla.models import SlaAlert, SlaClock
from anxin.sla.selectors import sla_alerts_for
from anxin.sla.services import service_point_calendar
from anxin.workorders.choices import OPEN_STATUSES, AttentionReason, Event, Priority, Status
from anxin.workorders.models import Attachment, WorkOrder, WorkOrderEvent
from anxin.workorders.selectors import workorder_visible_to

# Orders that occupy a technician's day (received ones unless an agent must look at them first).
PLANNED_STATUSES = OPEN_STATUSES
STARTED_STATUSES = {Status.ON_SITE, Status.DIAGNOSED, Status.AWAITING_APPROVAL, Status.IN_REPAIR}
ASSIGNED_STATUSES = {Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED, Status.EN_ROUTE} | STARTED_STATUSES
# Orders the offer loop may (re)offer: nobody holds them.
OFFERABLE_STATUSES = {Status.RECEIVED, Status.ACCEPTED, Status.REOPENED}
# Attention flags that stop the offer loop: an agent must fix the order first. A missing name or
# fault description does not: the technician asks on the phone.
BLOCKING_ATTENTION = {
    AttentionReason.UNKNOWN_BRAND,
    AttentionReason.UNKNOWN_CATEGORY,
    AttentionReason.ADDRESS_MISSING,
    AttentionReason.ADDRESS_UNRESOLVED,
    AttentionReason.OUT_OF_COVERAGE,
    AttentionReason.PHONE_MISSING,
}
PRIORITY_WEIGHT: dict[str, int] = {Priority.NORMAL: 1, Priority.URGENT: 3}
LAST_LOCATION_FRESH = dt.timedelta(hours=4)


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=local_tz())


def minute_of(when: dt.datetime, day: dt.date) -> int:
    """Minutes from local midnight of ``day`` to ``when`` (negative before, over 1440 after)."""
    return int((when - local_midnight(day)).total_seconds() // 60)


def at_minute(day: dt.date, minute: int) -> dt.datetime:
    return local_midnight(day) + dt.timedelta(minutes=minute)


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def skill_key(brand_id: int | None, category_id: int | None) -> str | None:
    if brand_id is None or category_id is None:
        return None
    return f"{brand_id}:{category_id}"


def order_is_blocked(order: WorkOrder) -> bool:
    return bool(BLOCKING_ATTENTION & set(order.attention or []))


# --- service points on the board ---------------------------------------------------------


def service_points_for_board(*, actor: User) -> QuerySet[ServicePoint]:
    require(actor, BOARD)
    return ServicePoint.objects.filter(is_active=True).order_by("name")


def service_point_for_board(*, actor: User, pk: int | str | None) -> ServicePoint:
    points = service_points_for_board(actor=actor)
    point = points.filter(pk=str(pk)).first() if str(pk or "").isdigit() else points.first()
    if point is None:
        raise NotFound(gettext("网点不存在"), field="service_point")
    return point


# --- offers --------------------------------------------------------------------------------


def offers_visible_to(*, actor: User) -> QuerySet[DispatchOffer]:
    """Technicians see only offers made to them; dispatchers and admins see all."""
    offers = DispatchOffer.objects.select_related("order__brand", "order__category", "technician__user")
    if not actor.is_authenticated or not actor.is_active:
        return offers.none()
    if can(actor, BOARD):
        return offers
    if role_of(actor) == Role.TECHNICIAN:
        return offers.filter(technician__user=actor)
    return offers.none()


def offer_get_for(*, actor: User, offer_id: int) -> DispatchOffer:
    offer = offers_visible_to(actor=actor).filter(pk=offer_id).first()
    if offer is None:
        raise NotFound(gettext("没有您可查看的派单邀请 %(offer)s") % {"offer": offer_id}, field="offer")
    return offer


def offers_pending_for(*, technician: Technician) -> QuerySet[DispatchOffer]:
    return (
        DispatchOffer.objects.select_related("order__brand", "order__category")
        .filter(technician=technician, state=OfferState.PENDING)
        .order_by("expires_at")
    )


def offer_pending_of(*, order: WorkOrder) -> DispatchOffer | None:
    return (
        DispatchOffer.objects.select_related("technician__user")
        .filter(order=order, state=OfferState.PENDING)
        .first()
    )


def technicians_refused(*, order: WorkOrder) -> set[int]:
    """Technicians who declined this order or let its offer lapse: the loop does not ask them again."""
    return set(
        DispatchOffer.objects.filter(
            order=order, state__in=[OfferState.DECLINED, OfferState.EXPIRED]
        ).values_list("technician_id", flat=True)
    )


# --- the day problem -----------------------------------------------------------------------


@dataclass
class DayProblem:
    """An engine problem plus the Django objects behind its ids."""

    service_point: ServicePoint
    day: dt.date
    problem: Problem
    technicians: dict[str, Technician] = field(default_factory=dict)
    orders: dict[str, WorkOrder] = field(default_factory=dict)
    shift_window: tuple[int, int] = (8 * 60 + 30, 18 * 60)

    @property
    def signature(self) -> str:
        """What the plan depends on (not the clock): equal signatures mean the stored plan still fits."""
        frozen = replace(self.problem, now=0)
        return hashlib.sha256(repr(frozen).encode()).hexdigest()

    def without(self, number: str) -> Problem:
        return self.problem.with_jobs(tuple(j for j in self.problem.jobs if j.id != number))


def point_location(point: ServicePoint) -> LatLon | None:
    if point.latitude is not None and point.longitude is not None:
        return LatLon(point.latitude, point.longitude)
    division = division_get(point.county_code) if point.county_code else None
    if division is not None and division.lat is not None and division.lng is not None:
        return LatLon(division.lat, division.lng)
    return None


def point_coverage_status(*, service_point: ServicePoint) -> dict[str, str]:
    """County code → "covered" | "partial" for the counties the point serves (the board map's shading)."""
    entries = list(service_point.coverage.values_list("division_code", "exclude"))
    full, part = covered_counties(entries, get_tree())
    return {**dict.fromkeys(part, "partial"), **dict.fromkeys(full, "covered")}


TRACKING_FIX_MAX_AGE = dt.timedelta(minutes=30)
TRACKING_DECIMALS = 2  # ~1 km: enough to see the technician coming, too coarse to pinpoint anyone's home


def tracking_map(*, order: WorkOrder, now: dt.datetime | None = None) -> MapSpec | None:
    """The map on the customer's tracking page: the order's county among its neighbours and, while the
    technician is on the way to this order, where he is and a line to the order's area.

    The technician's position is shown only if he shared it after setting off for this order (an older fix
    could be the previous customer's home) and within the last half hour, and rounded to ~1 km. The order is
    drawn at its township or county centre, never at the address. None when the county is not known.
    """
    if not order.county_code or get_tree().get(order.county_code) is None:
        return None
    spec = MapSpec(label=gettext("服务地点所在区县"), outlines=[county_outline(order.county_code)])
    tech = order.technician
    if order.status != Status.EN_ROUTE or tech is None or tech.last_located_at is None:
        return spec
    if tech.last_latitude is None or tech.last_longitude is None:
        return spec
    departed = (
        order.events.filter(to_status=Status.EN_ROUTE)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    ).first()
    now = now or timezone.now()
    if (
        departed is None
        or tech.last_located_at < departed
        or now - tech.last_located_at > TRACKING_FIX_MAX_AGE
    ):
        return spec
    here = (round(tech.last_latitude, TRACKING_DECIMALS), round(tech.last_longitude, TRACKING_DECIMALS))
    spec.markers.append(Marker(*here, kind="technician", label=gettext("技师（大致位置）")))
    destination = order_location(order)
    if destination is not None:
        spec.markers.append(
            Marker(
                destination.lat, destination.lon, kind="destination", label=gettext("服务地点（区域中心）")
            )
        )
        spec.routes.append(MapRoute([here, (destination.lat, destination.lon)], kind="approach"))
    return spec


def order_location(order: WorkOrder) -> LatLon | None:
    """The order's township centre, else its county's, else its service point's place."""
    for code in (order.township_code, order.county_code):
        division = division_get(code) if code else None
        if division is not None and division.lat is not None and division.lng is not None:
            return LatLon(division.lat, division.lng)
    return point_location(order.service_point) if order.service_point is not None else None


def _works_on(technician: Technician, day: dt.date) -> bool:
    return str(day.isoweekday()) in (technician.work_days or "")


def _shift_on(technician: Technician, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """His shift on ``day`` as local instants, or None when he does not work that day."""
    if not technician.is_active or not _works_on(technician, day):
        return None
    tz = local_tz()
    return (
        dt.datetime.combine(day, technician.shift_start, tzinfo=tz),
        dt.datetime.combine(day, technician.shift_end, tzinfo=tz),
    )


def technician_off_until(technician: Technician) -> dt.datetime | None:
    """When his 下班/请假 lapses: the end of the local day he pressed it on (None: not off; an "off" with
    no time stamp, set by hand, holds until someone changes it).

    "Off" means "not for the rest of today": pressed after the evening shift it must not keep him from
    the first offer the next morning; pressed before his shift (sick) it covers that day's shift.
    """
    if technician.status != TechnicianStatus.OFF:
        return None
    if technician.status_changed_at is None:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    return local_midnight(timezone.localdate(technician.status_changed_at) + dt.timedelta(days=1))


def technician_signed_off(technician: Technician, *, now: dt.datetime) -> bool:
    until = technician_off_until(technician)
    return until is not None and now < until


def technician_on_shift(technician: Technician, *, now: dt.datetime) -> bool:
    """In his shift now, at a service point that is open now, and not signed off for today."""
    if technician_signed_off(technician, now=now):
        return False
    shift = _shift_on(technician, timezone.localdate(now))
    if shift is None or not shift[0] <= now < shift[1]:
        return False
    return any(s <= now < e for s, e in _point_open_spans(technician.service_point, timezone.localdate(now)))


def _point_open_spans(point: ServicePoint, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    return service_point_calendar(point).intervals_on(day)


def first_shift_start(
    *, technicians: list[Technician], now: dt.datetime, days: int = 8
) -> dt.datetime | None:
    """When the first of ``technicians`` will be on shift (``now`` if one is): where a waiting order goes."""
    today = timezone.localdate(now)
    starts = []
    for technician in technicians:
        for day in (today + dt.timedelta(days=i) for i in range(days)):
            shift = _shift_on(technician, day)
            if shift is None or technician_signed_off(technician, now=max(shift[0], now)):
                continue
            for s, e in _point_open_spans(technician.service_point, day):
                start, end = max(s, shift[0]), min(e, shift[1])
                if start < end and end > now:
                    starts.append(max(start, now))
    return min(starts, default=None)


def accepted_offer_eta(*, order: WorkOrder, technician_id: int) -> dt.datetime | None:
    """When the technician who accepted ``order`` was planned to arrive (None: no planned arrival)."""
    return (
        DispatchOffer.objects.filter(
            order=order, technician_id=technician_id, state=OfferState.ACCEPTED, eta__isnull=False
        )
        .order_by("-created_at")
        .values_list("eta", flat=True)
        .first()
    )


def technicians_skilled(*, order: WorkOrder, staff: list[Technician]) -> list[Technician]:
    """Active technicians of ``staff`` who service the order's brand and category (prefetched skills)."""
    return [
        t
        for t in staff
        if t.is_active
        and (order.brand_id is None or any(b.pk == order.brand_id for b in t.brands.all()))
        and (order.category_id is None or any(c.pk == order.category_id for c in t.categories.all()))
    ]


@dataclass(frozen=True)
class OrderTechnicians:
    """Who may get the order now: the one answer the offer loop acts on and the board shows.

    ``on_shift``: skilled, on shift now, not refused; empty means "no technician available" unless
    ``first_shift`` says when one comes on shift (the order waits for him, it is not escalated).
    """

    skilled: list[Technician]
    on_shift: list[Technician]
    first_shift: dt.datetime | None

    @property
    def waiting(self) -> bool:
        return not self.on_shift and self.first_shift is not None


def order_technicians(
    *, order: WorkOrder, staff: list[Technician], refused: set[int], now: dt.datetime
) -> OrderTechnicians:
    skilled = technicians_skilled(order=order, staff=staff)
    on_shift = [t for t in skilled if t.pk not in refused and technician_on_shift(t, now=now)]
    first = None
    if not on_shift:
        first = first_shift_start(technicians=[t for t in skilled if t.pk not in refused], now=now)
    return OrderTechnicians(skilled, on_shift, first)


def _home_of(technician: Technician) -> LatLon | None:
    """Where his day starts and ends: his home when known, else his service point."""
    if technician.home_latitude is not None and technician.home_longitude is not None:
        return LatLon(technician.home_latitude, technician.home_longitude)
    return point_location(technician.service_point)


def _fresh_location(technician: Technician, now: dt.datetime) -> LatLon | None:
    """His last reported position if it is recent enough to plan from, else None."""
    if technician.last_located_at is None or now - technician.last_located_at > LAST_LOCATION_FRESH:
        return None
    if technician.last_latitude is None or technician.last_longitude is None:
        return None
    return LatLon(technician.last_latitude, technician.last_longitude)


def _skills_of(technician: Technician) -> frozenset[str]:
    return frozenset(
        key
        for b in technician.brands.all()
        for c in technician.categories.all()
        if (key := skill_key(b.pk, c.pk)) is not None
    )


def _breaks_of(technician: Technician) -> tuple[Break, ...]:
    if not technician.break_minutes:
        return ()
    return (
        Break(
            _minutes(technician.break_earliest), _minutes(technician.break_latest), technician.break_minutes
        ),
    )


def engine_technician(technician: Technician, *, day: dt.date, now: dt.datetime) -> EngineTechnician | None:
    """The technician as the engine sees him on ``day``, or None when he does not work that day."""
    is_today = day == timezone.localdate(now)
    if not technician.is_active or not _works_on(technician, day):
        return None
    if is_today and technician_signed_off(technician, now=now):
        return None
    home = _home_of(technician)
    location = (_fresh_location(technician, now) if is_today else None) or home
    if location is None:
        return None
    available_at = None
    if is_today and technician.available_from is not None and technician.available_from > now:
        available_at = minute_of(technician.available_from, day)
    return EngineTechnician(
        id=technician.employee_no,
        location=location,
        shift_start=_minutes(technician.shift_start),
        shift_end=_minutes(technician.shift_end),
        skills=_skills_of(technician),
        breaks=_breaks_of(technician),
        max_jobs=technician.max_jobs_per_day,
        end_location=home if home != location else None,
        available_at=available_at,
    )


def _appointment_window(order: WorkOrder, day: dt.date, shift_window: tuple[int, int]) -> tuple[int, int]:
    """The booked appointment in minutes of ``day`` (two hours when it has no end), else the shift."""
    if order.appointment_start is None:
        return shift_window
    end = order.appointment_end or order.appointment_start + dt.timedelta(hours=2)
    return minute_of(order.appointment_start, day), minute_of(end, day)


@dataclass(frozen=True)
class _Hold:
    """What the order's status and pin fix for the planner: whose route, where in it, the window."""

    technician: str | None = None
    position: int | None = None
    started_at: int | None = None
    window: tuple[int, int] | None = None


def _hold_of(
    order: WorkOrder, *, day: dt.date, pin: DispatchPin | None, arrived_at: dt.datetime | None, free: bool
) -> _Hold:
    holder = order.technician.employee_no if order.technician_id and order.technician and not free else None
    if holder and order.status in STARTED_STATUSES:
        # Under way: he stays on it from his arrival.
        return _Hold(technician=holder, started_at=max(0, minute_of(arrived_at, day)) if arrived_at else 0)
    if holder and order.status == Status.EN_ROUTE:
        return _Hold(technician=holder, position=0)  # on his way: first in his route, whatever comes in
    if pin is not None and not free:
        window = None
        if pin.arrival is not None and timezone.localdate(pin.arrival) == day:
            arrival = minute_of(pin.arrival, day)
            window = (arrival, arrival)  # the promised minute: re-plans keep it
        return _Hold(technician=pin.technician.employee_no, window=window)
    # The offer loop or a dispatcher chose him: plans keep him.
    return _Hold(technician=holder if order.status in ASSIGNED_STATUSES else None)


def order_job(
    order: WorkOrder,
    *,
    day: dt.date,
    shift_window: tuple[int, int],
    pin: DispatchPin | None = None,
    arrived_at: dt.datetime | None = None,
    window: tuple[int, int] | None = None,
    free: bool = False,
) -> Job | None:
    """The order as a visit on ``day``: window from its appointment, else the whole shift.

    ``free``: as if nobody held it yet (ranking technicians for it).
    """
    location = order_location(order)
    if location is None:
        return None
    hold = _hold_of(order, day=day, pin=pin, arrived_at=arrived_at, free=free)
    window = hold.window or window or _appointment_window(order, day, shift_window)
    duration = order.category.visit_minutes if order.category_id and order.category else 60
    return Job(
        id=order.number,
        location=location,
        duration=duration,
        window_start=window[0],
        window_end=max(window[0], window[1]),
        skill=skill_key(order.brand_id, order.category_id),
        priority=PRIORITY_WEIGHT.get(order.priority, 1),
        pinned_technician=hold.technician,
        pinned_position=hold.position,
        started_at=hold.started_at,
    )


def _orders_for_day(service_point: ServicePoint, day: dt.date, today: dt.date) -> QuerySet[WorkOrder]:
    start, end = local_midnight(day), local_midnight(day + dt.timedelta(days=1))
    booked = Q(appointment_start__gte=start, appointment_start__lt=end)
    if day == today:
        # Unbooked orders and visits under way belong to today.
        booked |= Q(appointment_start__isnull=True) | Q(status__in=STARTED_STATUSES | {Status.EN_ROUTE})
    return (
        WorkOrder.objects.filter(booked, service_point=service_point, status__in=PLANNED_STATUSES)
        .select_related("category", "technician", "service_point")
        .order_by("created_at", "id")
    )


def _shift_window(technicians: list[EngineTechnician]) -> tuple[int, int]:
    """From the earliest shift start to the latest shift end: the window of an unbooked visit."""
    if not technicians:
        return (8 * 60 + 30, 18 * 60)
    return min(t.shift_start for t in technicians), max(t.shift_end for t in technicians)


def _arrivals(orders: list[WorkOrder]) -> dict[int, dt.datetime]:
    """When the technician arrived at each started order (the latest arrival when he came back)."""
    arrivals: dict[int, dt.datetime] = {}
    started = [o.pk for o in orders if o.status in STARTED_STATUSES]
    if started:
        for order_id, at in WorkOrderEvent.objects.filter(
            order_id__in=started, event=Event.ARRIVE
        ).values_list("order_id", "created_at"):
            arrivals[order_id] = max(at, arrivals.get(order_id, at))
    return arrivals


def _day_jobs(
    orders: list[WorkOrder], *, day: dt.date, shift_window: tuple[int, int]
) -> tuple[list[Job], dict[str, WorkOrder]]:
    """The orders the engine can plan as jobs (not blocked, with a place), and the orders by number."""
    pins = {p.order_id: p for p in DispatchPin.objects.select_related("technician").filter(order__in=orders)}
    arrivals = _arrivals(orders)
    jobs = []
    by_number = {}
    for order in orders:
        if order.status == Status.RECEIVED and order_is_blocked(order):
            continue
        job = order_job(
            order,
            day=day,
            shift_window=shift_window,
            pin=pins.get(order.pk),
            arrived_at=arrivals.get(order.pk),
        )
        if job is not None:
            jobs.append(job)
            by_number[order.number] = order
    return jobs, by_number


def day_problem(*, service_point: ServicePoint, day: dt.date, now: dt.datetime | None = None) -> DayProblem:
    """Everything the engine needs to plan ``service_point``'s ``day`` as of ``now``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    technicians = technicians_of_point(service_point=service_point)
    for technician in technicians:
        technician.service_point = service_point  # no extra query for the fallback location
    engine_techs = [t for t in (engine_technician(x, day=day, now=now) for x in technicians) if t is not None]
    shift_window = _shift_window(engine_techs)
    orders = list(_orders_for_day(service_point, day, today))
    jobs, by_number = _day_jobs(orders, day=day, shift_window=shift_window)
    now_minute = max(0, minute_of(now, day)) if day <= today else 0
    return DayProblem(
        service_point=service_point,
        day=day,
        problem=Problem(technicians=tuple(engine_techs), jobs=tuple(jobs), now=now_minute),
        technicians={t.employee_no: t for t in technicians},
        orders=by_number,
        shift_window=shift_window,
    )


# --- stored plans --------------------------------------------------------------------------


def plan_stored(*, service_point: ServicePoint, day: dt.date) -> DispatchPlan | None:
    return DispatchPlan.objects.filter(service_point=service_point, day=day).first()


def plan_to_engine(stored: DispatchPlan) -> Plan:
    """The one typed reader of a stored plan: the engine's Plan rebuilt from the JSON.

    Everything that reads a stored plan (warm starts, offers, slots, the board, the sweep, pins,
    the technician's day) goes through here instead of indexing ``routes[...]["stops"]``.
    """
    routes = {}
    for tid, r in (stored.routes or {}).items():
        stops = tuple(
            Stop(
                job_id=s["job_id"],
                arrival=s["arrival"],
                start=s["start"],
                end=s["end"],
                lateness=s["lateness"],
                travel_m=s["travel_m"],
                travel_min=s["travel_min"],
                locked=s.get("locked", False),
            )
            for s in r.get("stops", [])
        )
        routes[tid] = Route(
            technician_id=tid,
            stops=stops,
            end_time=r.get("end_time", 0),
            travel_m=r.get("travel_m", 0),
            overtime=r.get("overtime", 0),
            breaks_taken=tuple(tuple(b) for b in r.get("breaks", [])),
        )
    return Plan(
        routes=routes,
        unassigned=list(stored.unassigned or []),
        engine=stored.engine,
        solve_seconds=stored.solve_seconds,
        fallback_reason=stored.fallback_reason or None,
        stats=dict(stored.stats or {}),
    )


# --- the board -----------------------------------------------------------------------------


class BoardPrefetched(Protocol):
    """The lists board_orders leaves on each WorkOrder through Prefetch(to_attr=...)."""

    confirm_clocks: list[SlaClock]
    pending_offers: list[DispatchOffer]
    open_escalations: list[DispatchEscalation]


class PlannedJob(Protocol):
    """What technician_jobs_today sets on each WorkOrder (dispatch/me.html shows plan_eta)."""

    plan_rank: int
    plan_eta: dt.datetime | None


def board_orders(*, actor: User, service_point: ServicePoint) -> list[WorkOrder]:
    """Orders that still need a technician who accepted: new, offered, escalated. Oldest first."""
    require(actor, BOARD)
    confirm_clocks = Prefetch(
        "sla_clocks",
        queryset=SlaClock.objects.filter(kind=SlaKind.TECHNICIAN_CONFIRMED),
        to_attr="confirm_clocks",
    )
    pending = Prefetch(
        "offers",
        queryset=DispatchOffer.objects.filter(state=OfferState.PENDING).select_related("technician__user"),
        to_attr="pending_offers",
    )
    escalations = Prefetch(
        "dispatch_escalations",
        queryset=DispatchEscalation.objects.filter(resolved_at__isnull=True),
        to_attr="open_escalations",
    )
    return list(
        workorder_visible_to(actor=actor)
        .filter(service_point=service_point, status__in=OFFERABLE_STATUSES | {Status.DISPATCHED})
        .select_related("brand", "category", "technician__user")
        .prefetch_related(confirm_clocks, pending, escalations)
        .order_by("created_at", "id")[:100]
    )


def orders_by_number(*, numbers: list[str]) -> dict[str, WorkOrder]:
    """Orders named in a plan (internal: callers already scoped the plan to a service point)."""
    return (
        {
            o.number: o
            for o in WorkOrder.objects.filter(number__in=numbers)
            .select_related("brand", "category")
            .prefetch_related("dispatch_pin")
        }
        if numbers
        else {}
    )


def technician_jobs_today(*, technician: Technician, now: dt.datetime | None = None) -> list[WorkOrder]:
    """The technician's open jobs, in the order of his stored route for today (unplanned ones last)."""
    now = now or timezone.now()
    orders = list(
        WorkOrder.objects.filter(technician=technician, status__in=ASSIGNED_STATUSES)
        .select_related("brand", "category")
        .order_by("appointment_start", "created_at")
    )
    day = timezone.localdate(now)
    stored = plan_stored(service_point=technician.service_point, day=day)
    route = plan_to_engine(stored).routes.get(technician.employee_no) if stored else None
    stops = {s.job_id: (i, s) for i, s in enumerate(route.stops if route else ())}
    for order in orders:
        entry = stops.get(order.number)
        planned = cast(PlannedJob, order)
        planned.plan_rank = entry[0] if entry else 999
        planned.plan_eta = at_minute(day, entry[1].arrival) if entry else None
    return sorted(orders, key=lambda o: cast(PlannedJob, o).plan_rank)


@dataclass(frozen=True)
class BoardAlerts:
    """Open SLA warnings and breaches of the point's orders: the board's badge (count) and list (newest)."""

    count: int
    items: list[SlaAlert]


BOARD_ALERTS_SHOWN = 20


def board_sla_alerts(*, actor: User, service_point: ServicePoint) -> BoardAlerts:
    require(actor, BOARD)
    alerts = sla_alerts_for(actor=actor).filter(clock__order__service_point=service_point)
    return BoardAlerts(
        count=alerts.count(),
        items=list(alerts.select_related("clock__order").order_by("-created_at")[:BOARD_ALERTS_SHOWN]),
    )


# --- the technician's phone cards --------------------------------------------------------------


def order_area(order: WorkOrder) -> str:
    """District and street (街道/乡镇) from the resolved codes: where the job is, no house number."""
    names = [d.name for d in (division_get(c) for c in (order.county_code, order.township_code) if c) if d]
    return " ".join(names)


def map_link(*, address: str, location: LatLon | None) -> str:
    """A link that opens the phone's map app (AMap) searching for the address.

    AMap's URI API (uri.amap.com) opens the AMap app when installed (``callnative=1``), else its web map,
    on Android and iOS alike (``geo:`` URIs do nothing on iOS). It searches the full address rather than
    putting a marker on our coordinates: those are the township's centre (GCJ-02, which AMap expects),
    kilometres off the house; they only bias the search (``center``).
    """
    params = {"keyword": address, "src": "anxin", "coordinate": "gaode", "callnative": "1", "view": "map"}
    if location is not None:
        params["center"] = f"{location.lon:.6f},{location.lat:.6f}"
    return "https://uri.amap.com/search?" + urlencode(params)


def platform_tel() -> str:
    """``tel:`` target for calling the customer: the platform's number, which connects by order number;
    the customer's own number never reaches the technician's page."""
    return "tel:" + "".join(ch for ch in settings.ANXIN_HOTLINE if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class OfferCard:
    """What a technician decides on before accepting: where (district and street), what, when."""

    offer: DispatchOffer
    area: str
    photo_count: int


def offer_cards(*, technician: Technician) -> list[OfferCard]:
    offers = offers_pending_for(technician=technician).annotate(photo_count=Count("order__attachments"))
    return [OfferCard(o, order_area(o.order), cast(int, getattr(o, "photo_count", 0))) for o in offers]


@dataclass(frozen=True)
class TaskCard:
    """A job on the phone. ``address`` is the full address once he has accepted (revealed, audited),
    else empty; ``nav_url`` and ``photos`` likewise only after acceptance; ``primary``: this card holds
    the screen's one primary action (the next step of the first job on his route)."""

    order: WorkOrder
    area: str
    address: str
    nav_url: str
    steps: list[str]
    photos: list[Attachment] = field(default_factory=list)
    primary: bool = False

    @property
    def accepted(self) -> bool:
        return bool(self.address)
