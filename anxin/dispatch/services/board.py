"""The dispatcher board: today's orders with suggestions, technicians' routes, and the map."""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.areas.maps import MapSpec, Marker, Outline, county_file
from anxin.areas.maps import Route as MapRoute
from anxin.areas.tree import get_tree
from anxin.dispatch import selectors
from anxin.dispatch.choices import PlanTrigger
from anxin.dispatch.engine.model import Route
from anxin.dispatch.models import DispatchOffer, DispatchPin, DispatchPlan
from anxin.dispatch.permissions import BOARD
from anxin.dispatch.selectors import (
    DayProblem,
    OrderTechnicians,
    at_minute,
    day_problem,
    order_is_blocked,
    order_technicians,
    plan_stored,
    plan_to_engine,
    point_location,
)
from anxin.dispatch.services.offers import Candidate, offer_candidates
from anxin.dispatch.services.plans import plan_refresh_later
from anxin.network.models import ServicePoint, Technician
from anxin.network.selectors import technicians_of_point
from anxin.workorders.models import WorkOrder

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
    who: OrderTechnicians  # who may get it now; "no technician available" only when nobody and no shift ahead


@dataclass
class Board:
    point: ServicePoint
    day: dt.date
    plan: DispatchPlan | None
    orders: list[BoardOrder]
    technicians: list[BoardTechnician]
    map: MapSpec
    unassigned: list[str]


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
    by_number = selectors.orders_by_number(numbers=[s.job_id for r in routes.values() for s in r.stops])
    technicians = _board_technicians(staff, routes, day=day, by_number=by_number)
    counties = [b.order.county_code for b in orders] + [o.county_code for o in by_number.values()]
    board_map = _board_map(dp, routes, point=service_point, order_counties=counties)
    return Board(
        service_point,
        day,
        stored,
        orders,
        technicians,
        board_map,
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
    for technician in staff:
        technician.service_point = dp.service_point
    orders = []
    suggested = 0
    for order in selectors.board_orders(actor=actor, service_point=dp.service_point):
        prefetched = cast(selectors.BoardPrefetched, order)
        clock = next(iter(prefetched.confirm_clocks), None)
        offer = next(iter(prefetched.pending_offers), None)
        refused = selectors.technicians_refused(order=order) if offer is None else set()
        # The same answer the offer loop acts on: the card never says "nobody" while offering someone.
        who = order_technicians(order=order, staff=staff, refused=refused, now=now)
        suggestion = None
        if offer is None and who.on_shift and suggested < SUGGEST_LIMIT and not order_is_blocked(order):
            suggested += 1
            suggestion = _suggestion(order, who=who, problems=problems, now=now)
        left = int((clock.due_at - now).total_seconds()) if clock and clock.state == "running" else None
        escalated = bool(prefetched.open_escalations)
        orders.append(BoardOrder(order, clock, left, offer, suggestion, escalated, who.skilled, who))
    return orders


def _suggestion(
    order: WorkOrder, *, who: OrderTechnicians, problems: dict[dt.date, DayProblem], now: dt.datetime
) -> Candidate | None:
    """The engine's best technician for the order among those on shift who did not refuse it; never solves."""
    allowed = {t.pk for t in who.on_shift}
    found = offer_candidates(
        order=order,
        now=now,
        limit=1,
        problems=problems,
        exclude={t.pk for t in who.skilled if t.pk not in allowed},
        read_only=True,
    )
    return found[0] if found else None


def _board_technicians(
    staff: list[Technician], routes: dict[str, Route], *, day: dt.date, by_number: dict[str, WorkOrder]
) -> list[BoardTechnician]:
    """Each technician with the stops of his stored route: ETAs, lateness, pins, order status."""
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


MAP_OUTLINE_FILES = 4  # prefectures drawn at most: the point's own, then those with the most orders today
JITTER_DEG = 0.004  # ~400 m: spreads orders that share a division centre (drawing only)


def _board_map(
    dp: DayProblem, routes: dict[str, Route], *, point: ServicePoint, order_counties: list[str]
) -> MapSpec:
    """Technicians, today's jobs and each technician's route in stop order, over the county outlines of the
    point's prefecture (its covered counties shaded) and of the prefectures today's orders are in.

    Orders are placed at their township or county centre, never at the customer's address, so several share a
    point; a small fixed offset per order number keeps their markers apart.
    """
    techs = {t.id: t.location for t in dp.problem.technicians}
    jobs = {j.id: _jittered(j.id, j.location.lat, j.location.lon) for j in dp.problem.jobs}
    planned = {s.job_id for r in routes.values() for s in r.stops}
    # Drawn in this order: the small job markers last, so a technician standing on a job never hides it.
    markers = [Marker(p.lat, p.lon, "technician", tid, label_shown=True) for tid, p in techs.items()]
    markers += [
        Marker(lat, lng, "job" if n in planned else "unassigned", n) for n, (lat, lng) in jobs.items()
    ]
    where = point_location(point)
    if where is not None:
        markers.insert(0, Marker(where.lat, where.lon, "service_point", point.name))
    lines = []
    for tid, route in routes.items():
        stops = [jobs[s.job_id] for s in route.stops if s.job_id in jobs]
        if tid in techs and stops:
            lines.append(MapRoute([(techs[tid].lat, techs[tid].lon), *stops], "planned", tid))
    return MapSpec(
        label=gettext("%(point)s 今日技师与工单地图") % {"point": point.name},
        outlines=_board_outlines(point=point, order_counties=order_counties),
        markers=markers,
        routes=lines,
        fit="markers",
    )


def _board_outlines(*, point: ServicePoint, order_counties: list[str]) -> list[Outline]:
    """The point's own prefecture first, then those with the most orders today, each one county file."""
    tree = get_tree()
    files: Counter[str] = Counter(county_file(c, tree) for c in order_counties if c in tree.by_code)
    own = county_file(point.county_code, tree) if point.county_code in tree.by_code else None
    urls = ([own] if own else []) + [f for f, _ in files.most_common() if f != own]
    shading = selectors.point_coverage_status(service_point=point)
    return [Outline(url=static(f), shading=shading) for f in urls[:MAP_OUTLINE_FILES]]


def _jittered(number: str, lat: float, lng: float) -> tuple[float, float]:
    h = zlib.crc32(number.encode())
    return (
        round(lat + ((h % 17) - 8) / 8 * JITTER_DEG, 5),
        round(lng + (((h >> 8) % 17) - 8) / 8 * JITTER_DEG, 5),
    )
