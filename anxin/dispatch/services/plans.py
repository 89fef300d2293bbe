"""Day plans: compute (solver with a wall-clock guard, greedy floor), store, refresh, and re-plan on commit.

Planning runs the solver (up to ``ANXIN_PLAN_TIME_LIMIT_S`` seconds) and must not hold a write
transaction meanwhile (on SQLite that would block every writer): it computes first, outside any
transaction, then writes in a short conditional step.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
from dataclasses import replace
from typing import Any, Literal, overload

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from anxin.dispatch.choices import PlanTrigger
from anxin.dispatch.engine import ortools_solver
from anxin.dispatch.engine.model import Plan
from anxin.dispatch.engine.planner import greedy_plan, plan_day
from anxin.dispatch.models import DispatchPlan
from anxin.dispatch.selectors import DayProblem, day_problem, plan_stored, plan_to_engine
from anxin.dispatch.services.problem import network_for, on_commit, plan_time_limit
from anxin.network.models import ServicePoint

logger = logging.getLogger("anxin.dispatch")


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
        return plan_day(
            dp.problem, net=net, time_limit_s=plan_time_limit(), initial=initial, solver=guarded_solver
        )
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
                    "job_id": s.job_id,
                    "arrival": s.arrival,
                    "start": s.start,
                    "end": s.end,
                    "lateness": s.lateness,
                    "travel_m": s.travel_m,
                    "travel_min": s.travel_min,
                    "locked": s.locked,
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
    *,
    service_point: ServicePoint,
    day: dt.date,
    trigger: str = PlanTrigger.MANUAL,
    now: dt.datetime | None = None,
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
            "late_jobs": plan.late_jobs,
            "total_lateness": plan.total_lateness,
            "travel_m": plan.travel_m,
            "overtime": plan.overtime,
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


def plan_fitting(*, dp: DayProblem) -> Plan | None:
    """The stored plan if it was made for exactly this input, else None; reads only."""
    stored = plan_stored(service_point=dp.service_point, day=dp.day)
    return plan_to_engine(stored) if stored is not None and stored.signature == dp.signature else None


@overload
def plan_without(*, dp: DayProblem, number: str, read_only: Literal[False] = False) -> tuple[Any, Plan]: ...


@overload
def plan_without(*, dp: DayProblem, number: str, read_only: bool) -> tuple[Any, Plan | None]: ...


def plan_without(*, dp: DayProblem, number: str, read_only: bool = False) -> tuple[Any, Plan | None]:
    """The day without order ``number`` and a plan for it, to judge where that order could go.

    The stored plan minus the order is enough unless the order displaced another job into
    ``unassigned``: then that job would take the freed place, so the day is re-planned without it.
    ``read_only`` (pages read on a GET): never solve or store; None when no stored plan fits.
    """
    if read_only:
        return dp.without(number), plan_fitting(dp=dp)
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
    on_commit(lambda: plan_refresh_task(service_point_id, day_iso, str(trigger)))
