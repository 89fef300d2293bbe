"""The dispatcher board: today's orders with suggestions, technicians' routes, and the SVG map."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.dispatch import selectors
from anxin.dispatch.choices import PlanTrigger
from anxin.dispatch.engine.model import Route
from anxin.dispatch.models import DispatchOffer, DispatchPin, DispatchPlan
from anxin.dispatch.permissions import BOARD
from anxin.dispatch.selectors import (
    DayProblem,
    at_minute,
    day_problem,
    order_is_blocked,
    plan_stored,
    plan_to_engine,
)
from anxin.dispatch.services.offers import Candidate, offer_candidates
from anxin.dispatch.services.plans import plan_refresh_later
from anxin.network.models import ServicePoint, Technician
from anxin.network.selectors import technicians_of_point
from anxin.workorders.models import WorkOrder

MAP_W, MAP_H, MAP_PAD = 640, 380, 24
SUGGEST_LIMIT = 10  # orders per board refresh that get a fresh engine suggestion


@dataclass
class BoardStop:
    number: str
    eta: dt.datetime
    start: dt.datetime
    lateness: int
    locked: bool
    pinned: bool
    status: str


@dataclass
class BoardTechnician:
    technician: Technician
    stops: list[BoardStop]
    late: int
    overtime: int


@dataclass
class BoardOrder:
    order: WorkOrder
    clock: Any
    seconds_left: int | None
    offer: DispatchOffer | None
    suggestion: Candidate | None
    escalated: bool
    choices: list[Technician]  # technicians of the point with the skill, for the reassign select


@dataclass
class MapDot:
    x: float
    y: float
    label: str
    kind: str  # technician | job | unassigned


@dataclass
class Board:
    point: ServicePoint
    day: dt.date
    plan: DispatchPlan | None
    orders: list[BoardOrder]
    technicians: list[BoardTechnician]
    dots: list[MapDot]
    lines: list[tuple[float, float, float, float]]
    unassigned: list[str]
    width: int = MAP_W
    height: int = MAP_H


def board_snapshot(*, actor: User, service_point: ServicePoint, now: dt.datetime | None = None) -> Board:
    """Everything the board shows for today; reads only (it is served on GET).

    A stored plan that no longer fits is shown as it is, and the worker is asked to re-plan: the
    next refresh of the board shows the new one. Suggestions rank only against a fitting plan.
    """
    require(actor, BOARD)
    now = now or timezone.now()
    day = timezone.localdate(now)
    dp = day_problem(service_point=service_point, day=day, now=now)
    stored = plan_stored(service_point=service_point, day=day)
    if stored is None or stored.signature != dp.signature:
        plan_refresh_later(service_point_id=service_point.pk, day=day, trigger=PlanTrigger.STALE)
    staff = technicians_of_point(service_point=service_point)
    orders = _board_orders(actor=actor, dp=dp, staff=staff, now=now)
    routes = plan_to_engine(stored).routes if stored else {}
    technicians = _board_technicians(staff, routes, day=day)
    dots, lines = _board_map(dp, routes)
    return Board(
        service_point,
        day,
        stored,
        orders,
        technicians,
        dots,
        lines,
        list(stored.unassigned if stored else []),
    )


def _board_orders(
    *, actor: User, dp: DayProblem, staff: list[Technician], now: dt.datetime
) -> list[BoardOrder]:
    """The orders waiting for a technician, each with its clock, offer, suggestion and reassign choices.

    Only the first ``SUGGEST_LIMIT`` orders without an offer get a suggestion (the engine ranks
    each against today's problem, read only); the day problem is shared by all of them.
    """
    problems = {dp.day: dp}
    skills = {t.pk: ({b.pk for b in t.brands.all()}, {c.pk for c in t.categories.all()}) for t in staff}
    orders = []
    suggested = 0
    for order in selectors.board_orders(actor=actor, service_point=dp.service_point):
        prefetched = cast(selectors.BoardPrefetched, order)
        clock = next(iter(prefetched.confirm_clocks), None)
        offer = next(iter(prefetched.pending_offers), None)
        suggestion = None
        if offer is None and suggested < SUGGEST_LIMIT and not order_is_blocked(order):
            suggested += 1
            suggestion = _suggestion(order, problems=problems, now=now)
        left = int((clock.due_at - now).total_seconds()) if clock and clock.state == "running" else None
        choices = [
            t
            for t in staff
            if (order.brand_id is None or order.brand_id in skills[t.pk][0])
            and (order.category_id is None or order.category_id in skills[t.pk][1])
        ]
        escalated = bool(prefetched.open_escalations)
        orders.append(BoardOrder(order, clock, left, offer, suggestion, escalated, choices))
    return orders


def _suggestion(
    order: WorkOrder, *, problems: dict[dt.date, DayProblem], now: dt.datetime
) -> Candidate | None:
    """The engine's best technician for the order among those who did not refuse it; never solves."""
    found = offer_candidates(
        order=order,
        now=now,
        limit=1,
        problems=problems,
        exclude=selectors.technicians_refused(order=order),
        read_only=True,
    )
    return found[0] if found else None


def _board_technicians(
    staff: list[Technician], routes: dict[str, Route], *, day: dt.date
) -> list[BoardTechnician]:
    """Each technician with the stops of his stored route: ETAs, lateness, pins, order status."""
    numbers = [s.job_id for r in routes.values() for s in r.stops]
    by_number = selectors.orders_by_number(numbers=numbers)
    technicians = []
    for tech in staff:
        route = routes.get(tech.employee_no)
        stops = [
            BoardStop(
                number=s.job_id,
                eta=at_minute(day, s.arrival),
                start=at_minute(day, s.start),
                lateness=s.lateness,
                locked=s.locked,
                pinned=_has_pin(by_number.get(s.job_id)),
                status=by_number[s.job_id].status if s.job_id in by_number else "",
            )
            for s in (route.stops if route else ())
        ]
        technicians.append(
            BoardTechnician(tech, stops, sum(1 for s in stops if s.lateness), route.overtime if route else 0)
        )
    return technicians


def _has_pin(order: WorkOrder | None) -> bool:
    if order is None:
        return False
    try:
        return order.dispatch_pin is not None
    except DispatchPin.DoesNotExist:
        return False


def _board_map(
    dp: DayProblem, routes: dict[str, Route]
) -> tuple[list[MapDot], list[tuple[float, float, float, float]]]:
    """Technicians and jobs projected into the SVG box (equirectangular, scaled by cos(latitude)).

    Orders are placed at their division centre, so several share a point; a small fixed offset
    per order number keeps their markers apart (drawing only).
    """
    import math
    import zlib

    techs = {t.id: t.location for t in dp.problem.technicians}
    jobs = {j.id: j.location for j in dp.problem.jobs}
    points = list(techs.values()) + list(jobs.values())
    if not points:
        return [], []
    lat0 = sum(p.lat for p in points) / len(points)
    kx = math.cos(math.radians(lat0))
    xs, ys = [p.lon * kx for p in points], [p.lat for p in points]
    span_x, span_y = max(max(xs) - min(xs), 0.005), max(max(ys) - min(ys), 0.005)
    scale = min((MAP_W - 2 * MAP_PAD) / span_x, (MAP_H - 2 * MAP_PAD) / span_y)
    left = (MAP_W - span_x * scale) / 2  # centre the drawing in the box
    top = (MAP_H - span_y * scale) / 2

    def project(lat: float, lon: float, salt: str = "") -> tuple[float, float]:
        x = left + (lon * kx - min(xs)) * scale
        y = top + (max(ys) - lat) * scale
        if salt:
            h = zlib.crc32(salt.encode())
            x, y = x + (h % 17) - 8, y + ((h >> 8) % 17) - 8
        return round(x, 1), round(y, 1)

    planned = {s.job_id: tid for tid, r in routes.items() for s in r.stops}
    dots = [MapDot(*project(p.lat, p.lon), label=tid, kind="technician") for tid, p in techs.items()]
    lines = []
    for number, p in jobs.items():
        x, y = project(p.lat, p.lon, number)
        dots.append(MapDot(x, y, label=number, kind="job" if number in planned else "unassigned"))
        tid = planned.get(number)
        if tid in techs:
            tx, ty = project(techs[tid].lat, techs[tid].lon)
            lines.append((tx, ty, x, y))
    return dots, lines
