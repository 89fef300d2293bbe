"""The offer loop and the dispatcher's hand on it.

Candidates are ranked by the engine over the current plan; the best one not yet asked gets an
offer (accept → dispatch → pending offer, all or nothing). Decline and expiry hand the order on;
nobody left escalates to the dispatcher. The dispatcher may reassign, pin and unpin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.core.exceptions import Conflict
from anxin.dispatch import selectors
from anxin.dispatch.choices import EscalationReason, OfferState, PlanTrigger
from anxin.dispatch.engine.insertion import Offer, rank_offers
from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPin
from anxin.dispatch.permissions import OFFER_ANSWER, PIN, REASSIGN
from anxin.dispatch.selectors import (
    OFFERABLE_STATUSES,
    DayProblem,
    at_minute,
    day_problem,
    order_is_blocked,
    order_job,
    order_technicians,
    plan_stored,
    plan_to_engine,
)
from anxin.dispatch.services.plans import plan_refresh_later, plan_without
from anxin.dispatch.services.problem import network_for, offer_timeout, on_commit, order_days
from anxin.network.models import ServicePoint, Technician
from anxin.network.selectors import technicians_of_point
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_event_record, workorder_transition

REASSIGNABLE_STATUSES = OFFERABLE_STATUSES | {Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED}


@dataclass(frozen=True)
class Candidate:
    technician: Technician
    offer: Offer
    day: dt.date

    @property
    def eta(self) -> dt.datetime:
        return at_minute(self.day, self.offer.insertion.arrival)


def offer_candidates(
    *,
    order: WorkOrder,
    now: dt.datetime | None = None,
    exclude: set[int] | None = None,
    limit: int = 5,
    problems: dict[dt.date, DayProblem] | None = None,
    read_only: bool = False,
) -> list[Candidate]:
    """Technicians for the order, best first, by the engine's ``rank_offers`` over the current plan.

    Skill and shift are hard; lateness, detour and load decide the order. Today first; an order
    nobody can serve today is ranked on the next days (its appointment day when it has one).
    ``read_only``: rank only against stored plans that still fit; never solve or store one.
    """
    now = now or timezone.now()
    exclude = exclude or set()
    if order.service_point_id is None:
        return []
    for day in order_days(order, now):
        dp = _day_problem_shared(order, day=day, now=now, problems=problems)
        candidates = _candidates_on(dp, order=order, exclude=exclude, limit=limit, read_only=read_only)
        if candidates:
            return candidates
    return []


def _day_problem_shared(
    order: WorkOrder, *, day: dt.date, now: dt.datetime, problems: dict[dt.date, DayProblem] | None
) -> DayProblem:
    """The order's service point's day problem, built once per day when the caller shares ``problems``."""
    dp = problems.get(day) if problems is not None else None
    if dp is None:
        assert order.service_point is not None  # offer_candidates returns early without a service point
        dp = day_problem(service_point=order.service_point, day=day, now=now)
        if problems is not None:
            problems[day] = dp
    return dp


def _candidates_on(
    dp: DayProblem, *, order: WorkOrder, exclude: set[int], limit: int, read_only: bool
) -> list[Candidate]:
    """Technicians not excluded, ranked for the order on ``dp``'s day; empty when nobody fits that day."""
    problem, plan = plan_without(dp=dp, number=order.number, read_only=read_only)
    if plan is None:
        return []
    allowed = {tid for tid, t in dp.technicians.items() if t.pk not in exclude}
    problem = replace(problem, technicians=tuple(t for t in problem.technicians if t.id in allowed))
    job = order_job(order, day=dp.day, shift_window=dp.shift_window, free=True)
    if job is None or not problem.technicians:
        return []
    offers = rank_offers(network_for(problem), problem, plan, job, limit=limit)
    return [Candidate(dp.technicians[o.technician_id], o, dp.day) for o in offers]


def point_staff(point: ServicePoint | None) -> list[Technician]:
    """The point's active technicians with skills, each knowing his point without another query."""
    if point is None:
        return []
    staff = technicians_of_point(service_point=point)
    for technician in staff:
        technician.service_point = point
    return staff


def offer_for_new_order(*, order_id: int, now: dt.datetime | None = None) -> DispatchOffer | None:
    """Intake's hook: a new order with a service point and no blocking attention is offered at once."""
    order = WorkOrder.objects.select_related("service_point", "category").filter(pk=order_id).first()
    if order is None or order.status not in OFFERABLE_STATUSES:
        return None
    if order.service_point_id is None or order_is_blocked(order):
        return None  # an agent looks at it first
    return offer_next(order=order, now=now)


def offer_next(*, order: WorkOrder, now: dt.datetime | None = None) -> DispatchOffer | None:
    """Offer the order to the best technician on shift not yet asked; nobody left → escalate to the dispatcher.

    Outside working hours (nobody skilled on shift now, one later) the order waits without an offer or an
    escalation; the sweep offers it when the first shift starts.

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
    refused = selectors.technicians_refused(order=order)
    who = order_technicians(order=order, staff=point_staff(order.service_point), refused=refused, now=now)
    if who.waiting:
        return None  # nobody on shift now: the sweep offers it when the first shift starts
    allowed = {t.pk for t in who.on_shift}
    excluded = {t.pk for t in who.skilled if t.pk not in allowed} | refused
    candidates = offer_candidates(order=order, now=now, exclude=excluded) if allowed else []
    if not candidates:
        dispatch_escalate(
            order=order,
            reason=EscalationReason.ALL_DECLINED if refused else EscalationReason.NOBODY_AVAILABLE,
        )
        return None
    best = candidates[0]
    return _offer_create(
        order=order,
        technician=best.technician,
        actor=None,
        now=now,
        rank=1,
        score=best.offer.score,
        day=best.day,
        eta=best.eta,
        distance_m=best.offer.distance_now_m,
    )


@transaction.atomic
def _offer_create(
    *,
    order: WorkOrder,
    technician: Technician,
    actor: User | None,
    now: dt.datetime,
    rank: int,
    score: float | None = None,
    day: dt.date | None = None,
    eta: dt.datetime | None = None,
    distance_m: int | None = None,
    expected: set[str] | None = None,
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
        order=locked,
        event=Event.DISPATCH,
        actor=actor,
        technician=technician,
        note=f"派单给 {technician}{when}；请在 {timezone.localtime(expires_at):%H:%M} 前接单",
    )
    try:
        with transaction.atomic():
            offer = DispatchOffer.objects.create(
                order=locked,
                technician=technician,
                offered_by=actor if actor and actor.pk else None,
                rank=rank,
                score=score,
                planned_day=day,
                eta=eta,
                distance_m=distance_m,
                created_at=now,
                expires_at=expires_at,
            )
    except IntegrityError as exc:
        raise Conflict(gettext("该工单已在此期间派出"), code="concurrent_update") from exc
    DispatchEscalation.objects.filter(order=locked, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor if actor and actor.pk else None
    )
    from anxin.dispatch.tasks import offer_expire_task

    offer_id = offer.pk
    on_commit(lambda: offer_expire_task.schedule(args=(offer_id,), eta=expires_at))
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
            order=order,
            event=Event.DISPATCH_ESCALATED,
            actor=None,
            actor_label="dispatch",
            note=f"{EscalationReason(reason).label}，请调度员人工派单",
            at=now,
        )
    return escalation


def _require_offered_technician(offer: DispatchOffer, actor: User) -> None:
    require(actor, OFFER_ANSWER, offer, field="offer")


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
        raise Conflict(
            gettext("该派单邀请状态为「%(state)s」，已无法接受") % {"state": offer.get_state_display()},
            code="offer_closed",
            field="offer",
        )
    order = (
        WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").get(pk=offer.order_id)
    )
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=actor, note="技师已接单")
    plan_refresh_later(
        service_point_id=order.service_point_id, day=offer.planned_day, trigger=PlanTrigger.OFFER
    )
    offer.refresh_from_db()
    return offer


def offer_decline(
    *, offer: DispatchOffer, actor: User, reason: str = "", now: dt.datetime | None = None
) -> DispatchOffer | None:
    """The technician says no: the order goes back to the pool and the next best technician is asked.

    Returns the next offer (None when the order was escalated instead).
    """
    now = now or timezone.now()
    _require_offered_technician(offer, actor)
    order = _offer_close(
        offer=offer,
        state=OfferState.DECLINED,
        actor=actor,
        now=now,
        note=f"技师拒单{('：' + reason) if reason else ''}",
    )
    return offer_next(order=order, now=now) if order is not None else None


def offer_expire(*, offer_id: int, now: dt.datetime | None = None) -> DispatchOffer | None:
    """The offer ran out unanswered (scheduled at expiry; the sweep catches any missed one)."""
    now = now or timezone.now()
    offer = DispatchOffer.objects.select_related("technician").filter(pk=offer_id).first()
    if offer is None or offer.state != OfferState.PENDING or offer.expires_at > now:
        return None
    order = _offer_close(
        offer=offer, state=OfferState.EXPIRED, actor=None, now=now, note="接单超时，转派下一位技师"
    )
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
        raise Conflict(
            gettext("该派单邀请已处理（%(state)s）") % {"state": offer.get_state_display()},
            code="offer_closed",
            field="offer",
        )
    order = (
        WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").get(pk=offer.order_id)
    )
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
        raise Conflict(
            gettext("技师 %(technician)s 未在岗") % {"technician": technician},
            code="technician_inactive",
            field="technician",
        )
    if order.brand_id and not technician.brands.filter(pk=order.brand_id).exists():
        raise Conflict(
            gettext("技师 %(technician)s 不服务该品牌") % {"technician": technician},
            code="technician_unskilled",
            field="technician",
        )
    if order.category_id and not technician.categories.filter(pk=order.category_id).exists():
        raise Conflict(
            gettext("技师 %(technician)s 不服务该品类") % {"technician": technician},
            code="technician_unskilled",
            field="technician",
        )


def dispatch_reassign(
    *, order: WorkOrder, technician: Technician, actor: User, now: dt.datetime | None = None
) -> DispatchOffer:
    """The dispatcher gives the order to ``technician``: the pending offer is withdrawn, a new one made."""
    require(actor, REASSIGN, order)
    now = now or timezone.now()
    _require_skill(order, technician)
    with transaction.atomic():
        locked = (
            WorkOrder.objects.select_for_update(of=("self",)).select_related("technician").get(pk=order.pk)
        )
        if locked.status not in REASSIGNABLE_STATUSES:
            raise Conflict(
                gettext("状态为「%(status)s」的工单不能改派") % {"status": locked.get_status_display()},
                code="illegal_transition",
                field="status",
            )
        DispatchOffer.objects.filter(order=locked, state=OfferState.PENDING).update(
            state=OfferState.WITHDRAWN, answered_at=now, note=f"调度员改派给 {technician}"[:200]
        )
        if locked.status in {Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED}:
            workorder_transition(
                order=locked,
                event=Event.WITHDRAW,
                actor=actor,
                note=f"调度员改派：撤回 {locked.technician or ''}",
            )
        DispatchPin.objects.filter(order=locked).exclude(technician=technician).delete()
        offer = _offer_create(
            order=locked, technician=technician, actor=actor, now=now, rank=0, day=order_days(locked, now)[0]
        )
    if offer is None:
        raise Conflict(gettext("工单已被他人修改，请刷新后重试"), code="concurrent_update")
    return offer


@transaction.atomic
def dispatch_pin(*, order: WorkOrder, actor: User, now: dt.datetime | None = None) -> DispatchPin:
    """Hold the order with its technician at its planned arrival: re-plans move neither."""
    require(actor, PIN, order)
    now = now or timezone.now()
    if order.technician_id is None or order.status not in selectors.ASSIGNED_STATUSES:
        raise Conflict(gettext("只有已指派技师的工单才能锁定"), code="not_assigned", field="number")
    assert order.technician is not None  # technician_id checked above
    day = order_days(order, now)[0]
    stored = plan_stored(service_point=order.technician.service_point, day=day)
    found = plan_to_engine(stored).stop_of(order.number) if stored else None
    stop = found[2] if found and found[0] == order.technician.employee_no else None
    arrival = at_minute(day, max(stop.arrival, stop.start)) if stop else None
    pin, _ = DispatchPin.objects.update_or_create(
        order=order, defaults={"technician": order.technician, "arrival": arrival, "pinned_by": actor}
    )
    when = f"，{timezone.localtime(arrival):%H:%M} 到达" if arrival else ""
    workorder_event_record(
        order=order, event=Event.DISPATCH_PINNED, actor=actor, note=f"调度员锁定给 {order.technician}{when}"
    )
    plan_refresh_later(service_point_id=order.technician.service_point_id, day=day, trigger=PlanTrigger.PIN)
    return pin


@transaction.atomic
def dispatch_unpin(*, order: WorkOrder, actor: User) -> None:
    require(actor, PIN, order)
    deleted, _ = DispatchPin.objects.filter(order=order).delete()
    if deleted:
        workorder_event_record(order=order, event=Event.DISPATCH_UNPINNED, actor=actor, note="调度员解除锁定")
        plan_refresh_later(service_point_id=order.service_point_id, trigger=PlanTrigger.PIN)
