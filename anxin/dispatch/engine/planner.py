"""Plan a service point's day, re-plan on events, and never end up without a plan."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from anxin.dispatch.engine.greedy import greedy_append
from anxin.dispatch.engine.model import UNASSIGNED_WEIGHT, Job, Plan, Problem, Route, Technician
from anxin.dispatch.engine.ortools_solver import VehicleStart, solve_ortools
from anxin.dispatch.engine.schedule import (
    Network,
    locked_prefix,
    route_cost,
    schedule_route,
    start_cursor,
    step,
)

logger = logging.getLogger(__name__)

Solver = Callable[..., dict[str, list[str]] | None]


def vehicle_starts(net: Network, problem: Problem) -> tuple[list[VehicleStart], dict[str, list[Job]]]:
    """Each technician's state after his locked prefix, and that prefix."""
    vehicles, prefixes = [], {}
    for tech in problem.technicians:
        prefix = locked_prefix(problem, tech)
        cur = start_cursor(net, tech, problem.now)
        for job in prefix:
            cur, _, _ = step(net, cur, job, problem.now)
        prefixes[tech.id] = prefix
        vehicles.append(VehicleStart(tech=tech, cursor=cur, capacity=tech.max_jobs - len(prefix)))
    return vehicles, prefixes


def assemble(
    net: Network,
    problem: Problem,
    prefixes: dict[str, list[Job]],
    free: dict[str, list[str]],
    unassigned: list[str],
    engine: str,
) -> Plan:
    by_id = {j.id: j for j in problem.jobs}
    routes: dict[str, Route] = {}
    placed: set[str] = set()
    for tech in problem.technicians:
        seq = prefixes.get(tech.id, []) + [by_id[jid] for jid in free.get(tech.id, [])]
        placed.update(j.id for j in seq)
        routes[tech.id] = schedule_route(net, tech, seq, problem.now)
    missing = [j.id for j in problem.jobs if j.id not in placed]
    return Plan(routes=routes, unassigned=sorted(set(unassigned) | set(missing)), engine=engine)


def plan_day(
    problem: Problem,
    *,
    net: Network | None = None,
    time_limit_s: float = 1.0,
    seed: int = 0,
    initial: Plan | None = None,
    solver: Solver = solve_ortools,
) -> Plan:
    """Optimise the free jobs; fall back to the greedy plan on solver error, timeout or no answer."""
    started = time.perf_counter()
    net = net or Network.for_problem(problem)
    net.ensure(j.location for j in problem.jobs)
    vehicles, prefixes = vehicle_starts(net, problem)
    locked_ids = {j.id for p in prefixes.values() for j in p}
    free_jobs = [j for j in problem.jobs if j.id not in locked_ids]
    if initial is not None:
        warm = _extend_greedily(net, vehicles, free_jobs, initial.sequences(), problem.now)
    else:
        # OR-Tools' own first solutions are poor on this model (docs/adr/0041): start from greedy.
        warm, _ = greedy_append(net, vehicles, free_jobs, now=problem.now)
    reason = None
    routes = None
    try:
        routes = solver(net, vehicles, free_jobs, time_limit_s=time_limit_s, initial=warm, seed=seed)
        if routes is None:
            reason = "solver found no solution within the time limit"
    except Exception as exc:  # noqa: BLE001 - any solver failure must still give a plan
        logger.exception("dispatch solver failed; using greedy plan")
        reason = f"solver error: {exc.__class__.__name__}: {exc}"
    start_plan = assemble(net, problem, prefixes, warm, [], engine="greedy")
    if routes is None:
        plan = start_plan
        plan.fallback_reason = reason
    else:
        plan = assemble(net, problem, prefixes, routes, [], engine="ortools")
        if plan_cost(plan, problem) > plan_cost(start_plan, problem):
            # Judged by the shared schedule, the solver made things worse: keep the start.
            plan = start_plan
            plan.fallback_reason = "solver result no better than its start"
    plan.stats["cost"] = plan_cost(plan, problem)
    plan.solve_seconds = time.perf_counter() - started
    return plan


def plan_cost(plan: Plan, problem: Problem) -> int:
    """Lateness first, then overtime, then travel (weights in model.py), plus unplanned jobs."""
    by_id = {j.id: j for j in problem.jobs}
    return sum(route_cost(r, by_id) for r in plan.routes.values()) + sum(
        UNASSIGNED_WEIGHT * by_id[jid].priority for jid in plan.unassigned if jid in by_id
    )


def _extend_greedily(
    net: Network, vehicles: list[VehicleStart], free_jobs: list[Job], warm: dict[str, list[str]], now: int
) -> dict[str, list[str]]:
    """Keep the previous order where it is still allowed and append the other jobs, greedily.

    A job the technician can no longer do (re-pinned to someone else, skill changed) or beyond his
    capacity leaves his route, so the warm start is always feasible.
    """
    by_id = {j.id: j for j in free_jobs}
    techs = {v.tech.id: v for v in vehicles}
    kept = {
        tid: [jid for jid in seq if jid in by_id and techs[tid].tech.can_do(by_id[jid])][
            : techs[tid].capacity
        ]
        for tid, seq in warm.items()
        if tid in techs
    }
    starts = []
    for v in vehicles:
        cur = v.cursor
        for jid in kept.get(v.tech.id, []):
            cur, _, _ = step(net, cur, by_id[jid], now)
        starts.append(VehicleStart(v.tech, cur, v.capacity - len(kept.get(v.tech.id, []))))
    placed = {jid for seq in kept.values() for jid in seq}
    extra, _ = greedy_append(net, starts, [j for j in free_jobs if j.id not in placed], now=now)
    return {v.tech.id: kept.get(v.tech.id, []) + extra.get(v.tech.id, []) for v in vehicles}


def greedy_plan(problem: Problem, *, net: Network | None = None) -> Plan:
    net = net or Network.for_problem(problem)
    net.ensure(j.location for j in problem.jobs)
    vehicles, prefixes = vehicle_starts(net, problem)
    locked_ids = {j.id for p in prefixes.values() for j in p}
    routes, unassigned = greedy_append(
        net, vehicles, [j for j in problem.jobs if j.id not in locked_ids], now=problem.now
    )
    return assemble(net, problem, prefixes, routes, unassigned, engine="greedy")


def evaluate(
    problem: Problem, sequences: dict[str, list[str]], *, net: Network, engine: str = "given"
) -> Plan:
    """Times and costs of given job orders (e.g. a dispatcher's manual plan)."""
    by_id = {j.id: j for j in problem.jobs}
    placed = {jid for seq in sequences.values() for jid in seq}
    routes = {
        t.id: schedule_route(net, t, [by_id[j] for j in sequences.get(t.id, [])], problem.now)
        for t in problem.technicians
    }
    return Plan(routes=routes, unassigned=[j.id for j in problem.jobs if j.id not in placed], engine=engine)


# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewJob:
    job: Job


@dataclass(frozen=True)
class CancelJob:
    job_id: str


@dataclass(frozen=True)
class TechnicianLate:
    technician_id: str
    until: int  # minute he can start


@dataclass(frozen=True)
class TechnicianOff:
    technician_id: str  # sick or called away: his unstarted jobs go back to the pool


@dataclass(frozen=True)
class Overrun:
    job_id: str
    extra_minutes: int


Event = NewJob | CancelJob | TechnicianLate | TechnicianOff | Overrun


def freeze(problem: Problem, plan: Plan, now: int) -> Problem:
    """Advance to ``now``: jobs the plan has started, or is driving to, are locked in place.

    Jobs finished by ``now`` are dropped and their technician continues from there.
    """
    jobs = {j.id: j for j in problem.jobs}
    techs = {t.id: t for t in problem.technicians}
    for tid, route in plan.routes.items():
        if tid not in techs:
            continue
        for stop in route.stops:
            job = jobs.get(stop.job_id)
            if job is None or stop.arrival - stop.travel_min > now:
                continue  # not yet on the way: still free to move
            if stop.end <= now:
                del jobs[stop.job_id]
                tech = techs[tid]
                techs[tid] = replace(
                    tech,
                    location=job.location,
                    available_at=stop.end,
                    breaks=tuple(b for b in tech.breaks if b.earliest >= stop.end),
                    max_jobs=tech.max_jobs - 1,
                )
            elif job.started_at is None:
                jobs[stop.job_id] = replace(job, started_at=stop.start, pinned_technician=tid)
    return Problem(technicians=tuple(techs.values()), jobs=tuple(jobs.values()), now=now)


def apply_event(problem: Problem, event: Event) -> Problem:
    jobs = list(problem.jobs)
    techs = list(problem.technicians)
    if isinstance(event, NewJob):
        jobs.append(event.job)
    elif isinstance(event, CancelJob):
        jobs = [j for j in jobs if j.id != event.job_id]
    elif isinstance(event, TechnicianLate):
        techs = [
            replace(t, available_at=max(event.until, t.available_at or t.shift_start))
            if t.id == event.technician_id
            else t
            for t in techs
        ]
    elif isinstance(event, TechnicianOff):
        techs = [t for t in techs if t.id != event.technician_id]
        jobs = [
            replace(j, pinned_technician=None, pinned_position=None, started_at=None)
            if j.pinned_technician == event.technician_id
            else j
            for j in jobs
        ]
    elif isinstance(event, Overrun):
        jobs = [
            replace(j, duration=j.duration + event.extra_minutes) if j.id == event.job_id else j for j in jobs
        ]
    return Problem(technicians=tuple(techs), jobs=tuple(jobs), now=problem.now)


def replan(
    problem: Problem,
    plan: Plan,
    events: Sequence[Event],
    *,
    now: int,
    net: Network,
    time_limit_s: float = 1.0,
    solver: Solver = solve_ortools,
) -> tuple[Problem, Plan]:
    """Freeze at ``now``, apply the events, and re-optimise starting from the current plan."""
    state = freeze(problem, plan, now)
    for event in events:
        state = apply_event(state, event)
    return state, plan_day(state, net=net, time_limit_s=time_limit_s, initial=plan, solver=solver)


__all__ = [
    "CancelJob",
    "Event",
    "NewJob",
    "Overrun",
    "TechnicianLate",
    "TechnicianOff",
    "Technician",
    "apply_event",
    "evaluate",
    "freeze",
    "greedy_plan",
    "plan_day",
    "replan",
]
