"""Dispatch writes: day plans, the offer loop, reassign and pin, technician status, customer slots.

Why some services are not one ``@transaction.atomic`` block: planning runs the solver (up to
``ANXIN_PLAN_TIME_LIMIT_S`` seconds) and must not hold a write transaction meanwhile (on SQLite
that would block every writer). Those services compute first, outside any transaction, then
write in a short atomic step that re-checks what it read (conditional updates, row locks).
Every status change still goes through ``workorders.services.workorder_transition``.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import require_role, role_of
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.dispatch import selectors
from anxin.dispatch.choices import EscalationReason, OfferState, PlanTrigger, TechnicianStatus
from anxin.dispatch.engine import ortools_solver
from anxin.dispatch.engine.insertion import Offer, feasible_slots, rank_offers
from anxin.dispatch.engine.model import Plan
from anxin.dispatch.engine.planner import greedy_plan, plan_day
from anxin.dispatch.engine.schedule import Network
from anxin.dispatch.models import (
    DispatchEscalation,
    DispatchOffer,
    DispatchPin,
    DispatchPlan,
    OutboxCursor,
    ServicePoint,
    Technician,
)
from anxin.dispatch.selectors import (
    BOARD_ROLES,
    OFFERABLE_STATUSES,
    STARTED_STATUSES,
    DayProblem,
    at_minute,
    day_problem,
    minute_of,
    order_is_blocked,
    order_job,
    plan_stored,
    plan_to_engine,
)
from anxin.dispatch.travel import OsrmTableProvider
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.services import workorder_appointment_set, workorder_event_record, workorder_transition

logger = logging.getLogger("anxin.dispatch")

OFFER_LOOKAHEAD_DAYS = 2  # an order filed after hours is offered for the next working days
SLOT_DAYS = 3
SLOT_MINUTES = 120
SLOT_LEAD_MINUTES = 60  # today's slots start at least this long from now
REASSIGNABLE_STATUSES = OFFERABLE_STATUSES | {Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED}
SLOT_STATUSES = OFFERABLE_STATUSES | {Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED}
SLOT_ROLES = {Role.CUSTOMER, Role.AGENT, Role.DISPATCHER, Role.ADMIN}


def offer_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ANXIN_OFFER_TIMEOUT_MINUTES)


def plan_time_limit() -> float:
    return settings.ANXIN_PLAN_TIME_LIMIT_S


def _on_commit(func: Callable[[], Any]) -> None:
    transaction.on_commit(func)


# --- plans ---------------------------------------------------------------------------------


def network_for(problem: Any) -> Network:
    """Great-circle travel by default; an OSRM server when ``ANXIN_OSRM_URL`` is set (falls back by itself)."""
    url = settings.ANXIN_OSRM_URL
    return Network.for_problem(problem, OsrmTableProvider(url) if url else None)


def guarded_solver(*args: Any, time_limit_s: float, **kwargs: Any) -> dict[str, list[str]] | None:
    """The OR-Tools solver with a wall-clock guard: a hung solve raises, and plan_day falls back to greedy."""
    grace = max(1.0, time_limit_s)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="dispatch-solver")
    try:
        future = pool.submit(ortools_solver.solve_ortools, *args, time_limit_s=time_limit_s, **kwargs)
        try:
            return future.result(timeout=time_limit_s + grace)
        except concurrent.futures.TimeoutError as exc:
            raise TimeoutError(f"solver still running after {time_limit_s + grace:.1f} s") from exc
    finally:
        pool.shutdown(wait=False)


def plan_compute(dp: DayProblem, *, initial: Plan | None = None) -> Plan:
    """Optimise with a short time limit; solver failure or timeout gives the greedy plan, never none."""
    net = network_for(dp.problem)
    try:
        return plan_day(dp.problem, net=net, time_limit_s=plan_time_limit(), initial=initial, solver=guarded_solver)
    except Exception as exc:  # noqa: BLE001 - the greedy plan is the floor, whatever went wrong
        logger.exception("plan_day failed for %s %s; greedy plan", dp.service_point, dp.day)
        plan = greedy_plan(dp.problem, net=net)
        plan.fallback_reason = f"planner error: {exc.__class__.__name__}: {exc}"
        return plan


def _plan_json(plan: Plan) -> dict[str, Any]:
    return {
        tid: {
            "stops": [
                {
                    "job_id": s.job_id, "arrival": s.arrival, "start": s.start, "end": s.end,
                    "lateness": s.lateness, "travel_m": s.travel_m, "travel_min": s.travel_min, "locked": s.locked,
                }
                for s in route.stops
            ],
            "end_time": route.end_time,
            "travel_m": route.travel_m,
            "overtime": route.overtime,
            "breaks": [list(b) for b in route.breaks_taken],
        }
        for tid, route in plan.routes.items()
    }


def plan_refresh(
    *, service_point: ServicePoint, day: dt.date, trigger: str = PlanTrigger.MANUAL, now: dt.datetime | None = None
) -> DispatchPlan:
    """Re-plan ``service_point``'s ``day`` from the database, warm-started from the stored plan, and store it.

    Solving happens outside any transaction; the write is one short conditional step. Pinned
    and started jobs are locked in ``day_problem``, so they keep their technician and place.
    """
    dp = day_problem(service_point=service_point, day=day, now=now)
    stored = plan_stored(service_point=service_point, day=day)
    plan = plan_compute(dp, initial=plan_to_engine(stored) if stored else None)
    return _plan_store(dp, plan, trigger=trigger)


def _plan_store(dp: DayProblem, plan: Plan, *, trigger: str) -> DispatchPlan:
    fields = {
        "engine": plan.engine,
        "solve_seconds": round(plan.solve_seconds, 3),
        "fallback_reason": (plan.fallback_reason or "")[:300],
        "routes": _plan_json(plan),
        "unassigned": list(plan.unassigned),
        "stats": {
            **{k: float(v) for k, v in plan.stats.items()},
            "late_jobs": plan.late_jobs, "total_lateness": plan.total_lateness,
            "travel_m": plan.travel_m, "overtime": plan.overtime,
        },
        "signature": dp.signature,
        "trigger": trigger,
        "planned_at": timezone.now(),
    }
    with transaction.atomic():
        updated = DispatchPlan.objects.filter(service_point=dp.service_point, day=dp.day).update(
            version=F("version") + 1, **fields
        )
        if not updated:
            try:
                with transaction.atomic():
                    DispatchPlan.objects.create(service_point=dp.service_point, day=dp.day, **fields)
            except IntegrityError:  # a concurrent re-plan created it first: last writer wins
                DispatchPlan.objects.filter(service_point=dp.service_point, day=dp.day).update(
                    version=F("version") + 1, **fields
                )
    return DispatchPlan.objects.get(service_point=dp.service_point, day=dp.day)


def plan_current(*, dp: DayProblem, trigger: str = PlanTrigger.STALE) -> Plan:
    """The stored plan when it was made for exactly this input, else a fresh one (stored)."""
    stored = plan_stored(service_point=dp.service_point, day=dp.day)
    if stored is not None and stored.signature == dp.signature:
        return plan_to_engine(stored)
    plan = plan_compute(dp, initial=plan_to_engine(stored) if stored else None)
    _plan_store(dp, plan, trigger=trigger)
    return plan


def plan_without(*, dp: DayProblem, number: str) -> tuple[Any, Plan]:
    """The day without order ``number`` and a plan for it, to judge where that order could go.

    The stored plan minus the order is enough unless the order displaced another job into
    ``unassigned``: then that job would take the freed place, so the day is re-planned without it.
    """
    plan = plan_current(dp=dp)
    problem = dp.without(number)
    if plan.stop_of(number) is not None and any(j != number for j in plan.unassigned):
        plan = plan_compute(replace(dp, problem=problem), initial=plan)
    return problem, plan


def plan_refresh_later(*, service_point_id: int | None, day: dt.date | None = None, trigger: str) -> None:
    """Re-plan on commit, in the worker (within seconds; inline in tests)."""
    if service_point_id is None:
        return
    from anxin.dispatch.tasks import plan_refresh_task

    day_iso = (day or timezone.localdate()).isoformat()
    _on_commit(lambda: plan_refresh_task(service_point_id, day_iso, str(trigger)))


def _order_days(order: WorkOrder, now: dt.datetime) -> list[dt.date]:
    today = timezone.localdate(now)
    if order.appointment_start is not None:
        day = timezone.localdate(order.appointment_start)
        return [day] if day >= today else [today]
    return [today + dt.timedelta(days=i) for i in range(OFFER_LOOKAHEAD_DAYS + 1)]


# --- the offer loop ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    technician: Technician
    offer: Offer
    day: dt.date

    @property
    def eta(self) -> dt.datetime:
        return at_minute(self.day, self.offer.insertion.arrival)


def offer_candidates(
    *, order: WorkOrder, now: dt.datetime | None = None, exclude: set[int] | None = None, limit: int = 5,
    problems: dict[dt.date, DayProblem] | None = None,
) -> list[Candidate]:
    """Technicians for the order, best first, by the engine's ``rank_offers`` over the current plan.

    Skill and shift are hard; lateness, detour and load decide the order. Today first; an order
    nobody can serve today is ranked on the next days (its appointment day when it has one).
    """
    now = now or timezone.now()
    exclude = exclude or set()
    if order.service_point_id is None:
        return []
    for day in _order_days(order, now):
        dp = problems.get(day) if problems is not None else None
        if dp is None:
            dp = day_problem(service_point=order.service_point, day=day, now=now)
            if problems is not None:
                problems[day] = dp
        problem, plan = plan_without(dp=dp, number=order.number)
        allowed = {tid for tid, t in dp.technicians.items() if t.pk not in exclude}
        problem = replace(problem, technicians=tuple(t for t in problem.technicians if t.id in allowed))
        job = order_job(order, day=day, shift_window=dp.shift_window, free=True)
        if job is None or not problem.technicians:
            continue
        offers = rank_offers(network_for(problem), problem, plan, job, limit=limit)
        if offers:
            return [Candidate(dp.technicians[o.technician_id], o, day) for o in offers]
    return []


def offer_for_new_order(*, order_id: int, now: dt.datetime | None = None) -> DispatchOffer | None:
    """Intake's hook: a new order with a service point and no blocking attention is offered at once."""
    order = WorkOrder.objects.select_related("service_point", "category").filter(pk=order_id).first()
    if order is None or order.status not in OFFERABLE_STATUSES:
        return None
    if order.service_point_id is None or order_is_blocked(order):
        return None  # an agent looks at it first
    return offer_next(order=order, now=now)


def offer_next(*, order: WorkOrder, now: dt.datetime | None = None) -> DispatchOffer | None:
    """Offer the order to the best technician not yet asked; nobody left → escalate to the dispatcher.

    Idempotent: a pending offer is returned as is; the partial unique index makes a second
    pending offer impossible even when two workers race.
    """
    now = now or timezone.now()
    existing = selectors.offer_pending_of(order=order)
    if existing is not None:
        return existing
    order = WorkOrder.objects.select_related("service_point", "category", "technician").get(pk=order.pk)
    if order.status not in OFFERABLE_STATUSES or order.service_point_id is None:
        return None
    candidates = offer_candidates(order=order, now=now, exclude=selectors.technicians_refused(order=order))
    if not candidates:
        tried = bool(selectors.technicians_refused(order=order))
        dispatch_escalate(
            order=order, reason=EscalationReason.ALL_DECLINED if tried else EscalationReason.NOBODY_AVAILABLE
        )
        return None
    best = candidates[0]
    return _offer_create(
        order=order, technician=best.technician, actor=None, now=now, rank=1, score=best.offer.score,
        day=best.day, eta=best.eta, distance_m=best.offer.distance_now_m,
    )


@transaction.atomic
def _offer_create(
    *, order: WorkOrder, technician: Technician, actor: User | None, now: dt.datetime, rank: int,
    score: float | None = None, day: dt.date | None = None, eta: dt.datetime | None = None,
    distance_m: int | None = None, expected: set[str] | None = None,
) -> DispatchOffer | None:
    """accept (if new) → dispatch(technician) → a pending offer, all or nothing; expiry scheduled on commit."""
    locked = WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").get(pk=order.pk)
    if DispatchOffer.objects.filter(order=locked, state=OfferState.PENDING).exists():
        return selectors.offer_pending_of(order=locked)  # someone else offered meanwhile
    if locked.status not in (expected or OFFERABLE_STATUSES):
        return None
    if locked.status in {Status.RECEIVED, Status.REOPENED}:
        workorder_transition(order=locked, event=Event.ACCEPT, actor=actor, note="自动派单：确认受理")
    expires_at = now + offer_timeout()
    when = f"，预计 {timezone.localtime(eta):%m-%d %H:%M} 上门" if eta else ""
    workorder_transition(
        order=locked, event=Event.DISPATCH, actor=actor, technician=technician,
        note=f"派单给 {technician}{when}；请在 {timezone.localtime(expires_at):%H:%M} 前接单",
    )
    try:
        with transaction.atomic():
            offer = DispatchOffer.objects.create(
                order=locked, technician=technician, offered_by=actor if actor and actor.pk else None,
                rank=rank, score=score, planned_day=day, eta=eta, distance_m=distance_m,
                created_at=now, expires_at=expires_at,
            )
    except IntegrityError as exc:
        raise Conflict("The order was offered meanwhile", code="concurrent_update") from exc
    DispatchEscalation.objects.filter(order=locked, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor if actor and actor.pk else None
    )
    from anxin.dispatch.tasks import offer_expire_task

    offer_id = offer.pk
    _on_commit(lambda: offer_expire_task.schedule(args=(offer_id,), eta=expires_at))
    plan_refresh_later(service_point_id=locked.service_point_id, day=day, trigger=PlanTrigger.OFFER)
    order.status, order.technician = locked.status, locked.technician
    return offer


def dispatch_escalate(*, order: WorkOrder, reason: str, now: dt.datetime | None = None) -> DispatchEscalation:
    """Nobody (left) to offer the order to: one open escalation per order, and a timeline note."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = DispatchEscalation.objects.filter(order=order, resolved_at__isnull=True).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                escalation = DispatchEscalation.objects.create(order=order, reason=reason, created_at=now)
        except IntegrityError:
            return DispatchEscalation.objects.get(order=order, resolved_at__isnull=True)
        workorder_event_record(
            order=order, event="dispatch_escalated", actor=None, actor_label="dispatch",
            note=f"{EscalationReason(reason).label}，请调度员人工派单", at=now,
        )
    return escalation


def _require_offered_technician(offer: DispatchOffer, actor: User) -> None:
    if offer.technician.user_id != actor.pk:
        raise PermissionDenied("Only the technician it was offered to may answer an offer", field="offer")


@transaction.atomic
def offer_accept(*, offer: DispatchOffer, actor: User, now: dt.datetime | None = None) -> DispatchOffer:
    """The technician takes the job: ``technician_accept`` keeps the 30-minute confirmation promise."""
    now = now or timezone.now()
    _require_offered_technician(offer, actor)
    updated = DispatchOffer.objects.filter(pk=offer.pk, state=OfferState.PENDING, expires_at__gt=now).update(
        state=OfferState.ACCEPTED, answered_at=now
    )
    if not updated:
        offer.refresh_from_db()
        raise Conflict(f"This offer is {offer.get_state_display()} and can no longer be accepted",
                       code="offer_closed", field="offer")
    order = WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").get(pk=offer.order_id)
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=actor, note="技师已接单")
    plan_refresh_later(service_point_id=order.service_point_id, day=offer.planned_day, trigger=PlanTrigger.OFFER)
    offer.refresh_from_db()
    return offer


def offer_decline(*, offer: DispatchOffer, actor: User, reason: str = "", now: dt.datetime | None = None) -> DispatchOffer | None:
    """The technician says no: the order goes back to the pool and the next best technician is asked.

    Returns the next offer (None when the order was escalated instead).
    """
    now = now or timezone.now()
    _require_offered_technician(offer, actor)
    order = _offer_close(offer=offer, state=OfferState.DECLINED, actor=actor, now=now,
                         note=f"技师拒单{('：' + reason) if reason else ''}")
    return offer_next(order=order, now=now) if order is not None else None


def offer_expire(*, offer_id: int, now: dt.datetime | None = None) -> DispatchOffer | None:
    """The offer ran out unanswered (scheduled at expiry; the sweep catches any missed one)."""
    now = now or timezone.now()
    offer = DispatchOffer.objects.select_related("technician").filter(pk=offer_id).first()
    if offer is None or offer.state != OfferState.PENDING or offer.expires_at > now:
        return None
    order = _offer_close(offer=offer, state=OfferState.EXPIRED, actor=None, now=now, note="接单超时，转派下一位技师")
    return offer_next(order=order, now=now) if order is not None else None


@transaction.atomic
def _offer_close(
    *, offer: DispatchOffer, state: str, actor: User | None, now: dt.datetime, note: str
) -> WorkOrder | None:
    """Close a pending offer (conditional update) and release the order; None when there is nothing to re-offer."""
    only_due = {"expires_at__lte": now} if state == OfferState.EXPIRED else {}
    updated = DispatchOffer.objects.filter(pk=offer.pk, state=OfferState.PENDING, **only_due).update(
        state=state, answered_at=now, note=note[:200]
    )
    if not updated:
        offer.refresh_from_db()
        raise Conflict(f"This offer is already {offer.get_state_display()}", code="offer_closed", field="offer")
    order = WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").get(pk=offer.order_id)
    if order.status != Status.DISPATCHED or order.technician_id != offer.technician_id:
        return None  # cancelled or reassigned meanwhile: nothing to hand on
    DispatchPin.objects.filter(order=order).delete()
    # Only a technician's own "no" is a decline; an unanswered offer is taken back by the system.
    event = Event.TECHNICIAN_DECLINE if state == OfferState.DECLINED else Event.WITHDRAW
    workorder_transition(order=order, event=event, actor=actor, note=note)
    return order


def offers_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every overdue pending offer (the safety net behind the scheduled expiry tasks)."""
    now = now or timezone.now()
    count = 0
    for offer_id in DispatchOffer.objects.filter(state=OfferState.PENDING, expires_at__lte=now).values_list(
        "pk", flat=True
    )[:200]:
        try:
            offer_expire(offer_id=offer_id, now=now)
            count += 1
        except Conflict:
            continue  # answered or expired by someone else meanwhile
    return count


# --- dispatcher actions --------------------------------------------------------------------


def _require_skill(order: WorkOrder, technician: Technician) -> None:
    if not technician.is_active:
        raise Conflict(f"{technician} is not active", code="technician_inactive", field="technician")
    if order.brand_id and not technician.brands.filter(pk=order.brand_id).exists():
        raise Conflict(f"{technician} does not service this brand", code="technician_unskilled", field="technician")
    if order.category_id and not technician.categories.filter(pk=order.category_id).exists():
        raise Conflict(f"{technician} does not service this category", code="technician_unskilled",
                       field="technician")


def dispatch_reassign(
    *, order: WorkOrder, technician: Technician, actor: User, now: dt.datetime | None = None
) -> DispatchOffer:
    """The dispatcher gives the order to ``technician``: the pending offer is withdrawn, a new one made."""
    require_role(actor, BOARD_ROLES, action="reassign orders")
    now = now or timezone.now()
    _require_skill(order, technician)
    with transaction.atomic():
        locked = WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").get(pk=order.pk)
        if locked.status not in REASSIGNABLE_STATUSES:
            raise Conflict(f"An order that is '{locked.get_status_display()}' cannot be reassigned",
                           code="illegal_transition", field="status")
        DispatchOffer.objects.filter(order=locked, state=OfferState.PENDING).update(
            state=OfferState.WITHDRAWN, answered_at=now, note=f"调度员改派给 {technician}"[:200]
        )
        if locked.status in {Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED}:
            workorder_transition(order=locked, event=Event.WITHDRAW, actor=actor,
                                 note=f"调度员改派：撤回 {locked.technician or ''}")
        DispatchPin.objects.filter(order=locked).exclude(technician=technician).delete()
        offer = _offer_create(order=locked, technician=technician, actor=actor, now=now, rank=0,
                              day=_order_days(locked, now)[0])
    if offer is None:
        raise Conflict("The order changed meanwhile; reload and try again", code="concurrent_update")
    return offer


@transaction.atomic
def dispatch_pin(*, order: WorkOrder, actor: User, now: dt.datetime | None = None) -> DispatchPin:
    """Hold the order with its technician at its planned arrival: re-plans move neither."""
    require_role(actor, BOARD_ROLES, action="pin orders")
    now = now or timezone.now()
    if order.technician_id is None or order.status not in selectors.ASSIGNED_STATUSES:
        raise Conflict("Only an order with a technician can be pinned", code="not_assigned", field="number")
    day = _order_days(order, now)[0]
    stored = plan_stored(service_point=order.technician.service_point, day=day)
    route = (stored.routes or {}).get(order.technician.employee_no, {}) if stored else {}
    stop = next((s for s in route.get("stops", []) if s["job_id"] == order.number), None)
    arrival = at_minute(day, max(stop["arrival"], stop["start"])) if stop else None
    pin, _ = DispatchPin.objects.update_or_create(
        order=order, defaults={"technician": order.technician, "arrival": arrival, "pinned_by": actor}
    )
    when = f"，{timezone.localtime(arrival):%H:%M} 到达" if arrival else ""
    workorder_event_record(order=order, event="dispatch_pinned", actor=actor,
                           note=f"调度员锁定给 {order.technician}{when}")
    plan_refresh_later(service_point_id=order.technician.service_point_id, day=day, trigger=PlanTrigger.PIN)
    return pin


@transaction.atomic
def dispatch_unpin(*, order: WorkOrder, actor: User) -> None:
    require_role(actor, BOARD_ROLES, action="unpin orders")
    deleted, _ = DispatchPin.objects.filter(order=order).delete()
    if deleted:
        workorder_event_record(order=order, event="dispatch_unpinned", actor=actor, note="调度员解除锁定")
        plan_refresh_later(service_point_id=order.service_point_id, trigger=PlanTrigger.PIN)


# --- technicians ---------------------------------------------------------------------------


@transaction.atomic
def technician_location_update(
    *, technician: Technician, latitude: float, longitude: float, at: dt.datetime | None = None
) -> Technician:
    """The phone's position (browser geolocation); used for offers and today's route start."""
    if not (-90 <= latitude <= 90):
        raise ValidationFailed("Latitude must be between -90 and 90", field="latitude")
    if not (-180 <= longitude <= 180):
        raise ValidationFailed("Longitude must be between -180 and 180", field="longitude")
    at = at or timezone.now()
    Technician.objects.filter(pk=technician.pk).update(
        last_latitude=latitude, last_longitude=longitude, last_located_at=at
    )
    technician.last_latitude, technician.last_longitude, technician.last_located_at = latitude, longitude, at
    return technician


def technician_status_set(
    *, technician: Technician, status: str, actor: User, late_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> Technician:
    """Available / off (sick, called away) / running late. Off: his offers and unstarted jobs go to others."""
    if status not in TechnicianStatus.values:
        raise ValidationFailed(f"Unknown status '{status}'", field="status")
    if role_of(actor) == Role.TECHNICIAN and technician.user_id != actor.pk:
        raise PermissionDenied("You may only set your own status", field="technician")
    if role_of(actor) not in {Role.TECHNICIAN, *BOARD_ROLES}:
        raise PermissionDenied("Your role may not change technician status")
    now = now or timezone.now()
    released: list[WorkOrder] = []
    with transaction.atomic():
        changes: dict[str, Any] = {"status": status, "status_changed_at": now}
        if late_minutes is not None:
            if not 0 <= late_minutes <= 8 * 60:
                raise ValidationFailed("Late by 0 to 480 minutes", field="late_minutes")
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


def _technician_release(*, technician: Technician, now: dt.datetime) -> list[WorkOrder]:
    """Withdraw his pending offers and hand back today's jobs he has not started."""
    today_end = selectors.local_midnight(timezone.localdate(now) + dt.timedelta(days=1))
    released = []
    for order in WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").filter(
        technician=technician, status__in=[Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED]
    ):
        if order.appointment_start is not None and order.appointment_start >= today_end:
            continue  # a later day: he may be back by then
        DispatchOffer.objects.filter(order=order, state=OfferState.PENDING).update(
            state=OfferState.WITHDRAWN, answered_at=now, note="技师下班/请假"
        )
        DispatchPin.objects.filter(order=order).delete()
        workorder_transition(order=order, event=Event.WITHDRAW, actor=None,
                             note=f"{technician} 下班/请假，重新派单")
        released.append(order)
    return released


def technician_order_advance(*, order: WorkOrder, event: str, actor: User) -> WorkOrder:
    """A status button on the phone (depart, arrive, …): the transition plus the technician's live status."""
    allowed = {Event.DEPART, Event.ARRIVE, Event.DIAGNOSE, Event.REQUEST_APPROVAL, Event.START_REPAIR, Event.COMPLETE}
    if event not in allowed:
        raise ValidationFailed(f"'{event}' is not a visit step", field="event")
    with transaction.atomic():
        order = workorder_transition(order=order, event=event, actor=actor)
        live = {Event.DEPART: TechnicianStatus.EN_ROUTE, Event.ARRIVE: TechnicianStatus.ON_SITE,
                Event.COMPLETE: TechnicianStatus.AVAILABLE}.get(event)
        if live and order.technician_id:
            Technician.objects.filter(pk=order.technician_id).exclude(status=TechnicianStatus.OFF).update(
                status=live, status_changed_at=timezone.now()
            )
    plan_refresh_later(service_point_id=order.service_point_id, trigger=PlanTrigger.ORDER_EVENT)
    return order


# --- customer self-scheduling --------------------------------------------------------------


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
    *, order: WorkOrder, now: dt.datetime | None = None, days: int = SLOT_DAYS, only_day: dt.date | None = None
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
        dp = day_problem(service_point=order.service_point, day=day, now=now)
        windows = slot_windows(dp, now=now)
        template = order_job(order, day=day, shift_window=dp.shift_window, pin=None, window=(0, 0))
        if not windows or template is None or not dp.problem.technicians:
            continue
        problem, plan = plan_without(dp=dp, number=order.number)
        net = network_for(problem)
        for verdict in feasible_slots(net, problem, plan, template=template, slots=windows):
            if verdict.feasible and verdict.insertion is not None:
                options.append(SlotOption(day, at_minute(day, verdict.start), at_minute(day, verdict.end),
                                          verdict.insertion.technician_id))
    return options


def slot_choose(*, order: WorkOrder, start: dt.datetime, actor: User | None, now: dt.datetime | None = None) -> WorkOrder:
    """Book an arrival window the plan can keep; re-checked now, so a slot taken meanwhile is refused."""
    now = now or timezone.now()
    if actor is not None and actor.is_authenticated and role_of(actor) not in SLOT_ROLES:
        raise PermissionDenied("Your role may not book appointments")
    if timezone.is_naive(start):
        start = timezone.make_aware(start, selectors.local_tz())
    if order.status not in SLOT_STATUSES:
        raise Conflict("The visit can no longer be rescheduled online; please call the hotline",
                       code="illegal_transition", field="start")
    day = timezone.localdate(start)
    offered = {o.start: o for o in slots_for_order(order=order, now=now, only_day=day)}
    option = offered.get(start)
    if option is None:
        raise Conflict("This time is no longer available; please choose another", code="slot_unavailable",
                       field="start")
    previous_day = timezone.localdate(order.appointment_start) if order.appointment_start else None
    with transaction.atomic():
        workorder_appointment_set(
            order=order, start=option.start, end=option.end, actor=actor, allowed_statuses=SLOT_STATUSES, at=now
        )
        plan_refresh_later(service_point_id=order.service_point_id, day=day, trigger=PlanTrigger.SLOT)
        if previous_day and previous_day != day:
            plan_refresh_later(service_point_id=order.service_point_id, day=previous_day, trigger=PlanTrigger.SLOT)
    return order


# --- the worker's sweep --------------------------------------------------------------------

OUTBOX = "dispatch"
REPLAN_EVENTS = {"cancel", "reopen", "complete", "arrive", "depart", "technician_decline", "withdraw", "appointment_set",
                 "technician_accept", "dispatch"}


def dispatch_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every minute: expire lapsed offers, re-plan after order events from elsewhere, catch overruns."""
    now = now or timezone.now()
    counts = {"expired": offers_expire_due(now=now), "replanned": 0, "reoffered": 0}
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
    for order in WorkOrder.objects.filter(pk__in=reopened, status=Status.REOPENED):
        if offer_for_new_order(order_id=order.pk) is not None:
            counts["reoffered"] += 1
    return counts


def _outbox_read(*, now: dt.datetime) -> tuple[set[tuple[int, dt.date]], set[int]]:
    """New timeline rows since the last sweep (the timeline is the outbox); the cursor moves conditionally."""
    cursor, created = OutboxCursor.objects.get_or_create(
        name=OUTBOX, defaults={"last_event_id": WorkOrderEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0}
    )
    if created:
        return set(), set()
    rows = list(
        WorkOrderEvent.objects.filter(id__gt=cursor.last_event_id, event__in=REPLAN_EVENTS)
        .select_related("order")
        .order_by("id")[:500]
    )
    if not rows:
        return set(), set()
    last = rows[-1].id
    if not OutboxCursor.objects.filter(pk=cursor.pk, last_event_id=cursor.last_event_id).update(last_event_id=last):
        return set(), set()  # another worker took this batch
    touched = set()
    for row in rows:
        if row.order.service_point_id:
            day = timezone.localdate(row.order.appointment_start) if row.order.appointment_start else timezone.localdate(now)
            touched.add((row.order.service_point_id, day))
    reopened = {row.order_id for row in rows if row.event == "reopen"}
    return touched, reopened


def _overrunning_points(now: dt.datetime) -> set[int]:
    """Service points where a started visit has run past its planned end (re-planned at most every 5 min)."""
    today = timezone.localdate(now)
    minute = minute_of(now, today)
    points = set()
    for plan in DispatchPlan.objects.filter(day=today, planned_at__lte=now - dt.timedelta(minutes=5)):
        late_ids = [s["job_id"] for r in plan.routes.values() for s in r.get("stops", [])
                    if s.get("end", 0) < minute and s.get("locked")]
        if late_ids and WorkOrder.objects.filter(number__in=late_ids, status__in=STARTED_STATUSES).exists():
            points.add(plan.service_point_id)
    return points


# --- the dispatcher board ------------------------------------------------------------------

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
    """Everything the board shows for today; refreshes the stored plan first if it no longer fits."""
    require_role(actor, BOARD_ROLES, action="use the dispatch board")
    now = now or timezone.now()
    day = timezone.localdate(now)
    dp = day_problem(service_point=service_point, day=day, now=now)
    plan_current(dp=dp)
    stored = plan_stored(service_point=service_point, day=day)
    problems = {day: dp}
    staff = selectors.technicians_of_point(service_point=service_point)
    skills = {t.pk: ({b.pk for b in t.brands.all()}, {c.pk for c in t.categories.all()}) for t in staff}
    orders = []
    suggested = 0
    for order in selectors.board_orders(actor=actor, service_point=service_point):
        clock = next(iter(order.confirm_clocks), None)  # type: ignore[attr-defined]
        offer = next(iter(order.pending_offers), None)  # type: ignore[attr-defined]
        suggestion = None
        if offer is None and suggested < SUGGEST_LIMIT and not order_is_blocked(order):
            suggested += 1
            found = offer_candidates(order=order, now=now, limit=1, problems=problems,
                                     exclude=selectors.technicians_refused(order=order))
            suggestion = found[0] if found else None
        left = int((clock.due_at - now).total_seconds()) if clock and clock.state == "running" else None
        choices = [t for t in staff if (order.brand_id is None or order.brand_id in skills[t.pk][0])
                   and (order.category_id is None or order.category_id in skills[t.pk][1])]
        escalated = bool(order.open_escalations)  # type: ignore[attr-defined]
        orders.append(BoardOrder(order, clock, left, offer, suggestion, escalated, choices))
    routes = stored.routes if stored else {}
    numbers = [s["job_id"] for r in routes.values() for s in r["stops"]]
    by_number = selectors.orders_by_number(numbers=numbers)
    technicians = []
    for tech in staff:
        route = routes.get(tech.employee_no, {"stops": [], "overtime": 0})
        stops = [
            BoardStop(
                number=s["job_id"], eta=at_minute(day, s["arrival"]), start=at_minute(day, s["start"]),
                lateness=s["lateness"], locked=s.get("locked", False),
                pinned=_has_pin(by_number.get(s["job_id"])),
                status=by_number[s["job_id"]].status if s["job_id"] in by_number else "",
            )
            for s in route["stops"]
        ]
        technicians.append(BoardTechnician(tech, stops, sum(1 for s in stops if s.lateness), route.get("overtime", 0)))
    dots, lines = _board_map(dp, routes)
    return Board(service_point, day, stored, orders, technicians, dots, lines, list(stored.unassigned if stored else []))


def _has_pin(order: WorkOrder | None) -> bool:
    if order is None:
        return False
    try:
        return order.dispatch_pin is not None
    except DispatchPin.DoesNotExist:
        return False


def _board_map(dp: DayProblem, routes: dict[str, Any]) -> tuple[list[MapDot], list[tuple[float, float, float, float]]]:
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

    planned = {s["job_id"]: tid for tid, r in routes.items() for s in r["stops"]}
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
