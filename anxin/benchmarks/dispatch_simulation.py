"""Replay a synthetic day: offer loop, cancellations, overruns, late and sick technicians.

Two policies run on the same seeded world:
  * ``engine``: offers ranked by :func:`rank_offers`, accepted jobs inserted where they fit
    best, and OR-Tools re-plans periodically and on disruptions;
  * ``greedy``: offers to the nearest available technician with the skill, jobs appended to
    his queue, no re-planning (a sick technician's queue goes to the nearest others).
Execution is deterministic given the plan: a job starts when the schedule says it does.
The format of scenario files is in docs/dispatch-scenarios.md.
"""

from __future__ import annotations

import heapq
import json
import random
import statistics
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from anxin.dispatch.engine.insertion import best_insertion, rank_offers
from anxin.dispatch.engine.model import Break, Job, Plan, Problem, Stop, Technician
from anxin.dispatch.engine.planner import evaluate, freeze, plan_day
from anxin.dispatch.travel import GreatCircleProvider, LatLon
from anxin.testing.dispatch_days import SKILLS, jitter

DEFAULTS: dict[str, Any] = {
    "center": [30.5728, 104.0668],
    "radius_km": 12,
    "technicians": 20,
    "shift": ["08:00", "18:00"],
    "lunch": ["11:30", "13:30", 45],
    "max_jobs": 10,
    "booked_jobs": 40,
    "new_orders": 40,
    "order_hours": ["08:00", "15:00"],
    "window_minutes": 120,
    "lead_minutes": [60, 180],
    "durations": [30, 45, 60, 90],
    "skills_per_technician": [1, 2],
    "road_factor": 1.35,
    "speed_kmh": 25,
    "offer": {
        "accept_p": 0.8,
        "response_minutes": [0.5, 6],
        "timeout_minutes": 5,
        "max_offers": 4,
        "escalation_minutes": 10,
    },
    "cancel_p": 0.04,
    "overrun_p": 0.1,
    "overrun_minutes": [15, 60],
    "late_technicians": 1,
    "late_minutes": [20, 90],
    "sick_technicians": 0,
    "replan_every_minutes": 30,
    "solver_seconds": 1.0,
    "confirm_sla_minutes": 30,
}


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def load_scenario(path: str | Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text())
    merged = {**DEFAULTS, **data}
    merged["offer"] = {**DEFAULTS["offer"], **data.get("offer", {})}
    return merged


@dataclass
class World:
    techs: list[Technician]
    booked: list[Job]
    orders: list[tuple[int, Job]]  # (arrival minute, job)
    cancels: dict[str, int]
    overruns: dict[str, int]
    late: dict[str, int]  # technician → minute he can start
    sick: dict[str, int]  # technician → minute he leaves
    offer_draws: dict[str, list[tuple[float, float]]]  # job → (response minutes, uniform) per offer


def build_world(sc: dict[str, Any], seed: int) -> World:
    rng = random.Random(seed)
    center = LatLon(*sc["center"])
    s0, s1 = hm(sc["shift"][0]), hm(sc["shift"][1])
    l0, l1, ld = hm(sc["lunch"][0]), hm(sc["lunch"][1]), int(sc["lunch"][2])
    techs = []
    for i in range(int(sc["technicians"])):
        k = rng.randint(*sc["skills_per_technician"])
        skills = (
            {SKILLS[i % len(SKILLS)], *rng.sample(SKILLS, k=k - 1)} if k > 1 else {SKILLS[i % len(SKILLS)]}
        )
        techs.append(
            Technician(
                id=f"T{i:03d}",
                location=jitter(rng, center, sc["radius_km"]),
                shift_start=s0,
                shift_end=s1,
                skills=frozenset(skills),
                breaks=(Break(l0, l1, ld),),
                max_jobs=int(sc["max_jobs"]),
            )
        )
    win = int(sc["window_minutes"])

    def make_job(jid: str, earliest: int) -> Job:
        slots = list(range(max(s0, earliest), s1 - win + 1, 30))
        ws = rng.choice(slots) if slots else s1 - win
        return Job(
            id=jid,
            location=jitter(rng, center, sc["radius_km"]),
            duration=rng.choice(sc["durations"]),
            window_start=ws,
            window_end=ws + win,
            skill=rng.choice(SKILLS),
            priority=3 if rng.random() < 0.05 else 1,
        )

    booked = [make_job(f"B{k:04d}", s0) for k in range(int(sc["booked_jobs"]))]
    o0, o1 = hm(sc["order_hours"][0]), hm(sc["order_hours"][1])
    orders = []
    for k in range(int(sc["new_orders"])):
        at = rng.randint(o0, o1)
        orders.append((at, make_job(f"N{k:04d}", at + rng.randint(*sc["lead_minutes"]))))
    orders.sort(key=lambda x: x[0])
    cancels, overruns = {}, {}
    for at, job in [(s0 - 30, j) for j in booked] + orders:
        if rng.random() < sc["cancel_p"]:
            cancels[job.id] = rng.randint(at + 5, max(at + 6, job.window_start - 10))
        if rng.random() < sc["overrun_p"]:
            overruns[job.id] = rng.randint(*sc["overrun_minutes"])
    late_ids = rng.sample([t.id for t in techs], k=min(len(techs), int(sc["late_technicians"])))
    late = {tid: s0 + rng.randint(*sc["late_minutes"]) for tid in late_ids}
    sick_ids = rng.sample([t.id for t in techs if t.id not in late], k=int(sc["sick_technicians"]))
    sick = {tid: rng.randint(s0 + 120, s1 - 180) for tid in sick_ids}
    o = sc["offer"]
    draws = {
        job.id: [(rng.uniform(*o["response_minutes"]), rng.random()) for _ in range(int(o["max_offers"]))]
        for _, job in orders
    }
    return World(techs, booked, orders, cancels, overruns, late, sick, draws)


@dataclass
class Run:
    confirm_minutes: list[float] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)
    escalated: int = 0
    replan_seconds: list[float] = field(default_factory=list)
    done: dict[str, tuple[str, Stop]] = field(default_factory=dict)
    trace: list[tuple[int, str, int, int, int]] = field(default_factory=list)


def simulate(sc: dict[str, Any], seed: int, policy: str, trace: list | None = None) -> dict[str, Any]:
    from anxin.dispatch.engine.schedule import Network

    world = build_world(sc, seed)
    net = Network(GreatCircleProvider(road_factor=sc["road_factor"], speed_kmh=sc["speed_kmh"]))
    s0, s1 = hm(sc["shift"][0]), hm(sc["shift"][1])
    now = s0 - 30
    problem = Problem(technicians=tuple(world.techs), jobs=tuple(world.booked), now=now)
    net.ensure(
        [t.location for t in world.techs]
        + [j.location for j in world.booked]
        + [j.location for _, j in world.orders]
    )
    run = Run()
    solver_s = float(sc["solver_seconds"])
    if policy == "engine":
        plan = plan_day(problem, net=net, time_limit_s=solver_s * 3)
    else:
        plan = evaluate(
            problem, _nearest_assign(net, problem, {}, list(world.booked)), net=net, engine="greedy"
        )

    events: list[tuple[int, int, str, Any]] = []
    seq = 0

    def push(at: int, kind: str, payload: Any) -> None:
        nonlocal seq
        heapq.heappush(events, (at, seq, kind, payload))
        seq += 1

    for at, job in world.orders:
        push(at, "order", job)
    for jid, at in world.cancels.items():
        push(at, "cancel", jid)
    for tid, until in world.late.items():
        push(s0, "late", (tid, until))
    for tid, at in world.sick.items():
        push(at, "sick", tid)
    if policy == "engine":
        for at in range(s0, s1, int(sc["replan_every_minutes"])):
            push(at, "replan", None)
    cancelled: set[str] = set()
    overrun_applied: set[str] = set()
    pending_jobs: dict[str, Job] = {}

    def record_done(p: Plan, upto: int) -> None:
        for tid, stop in p.stops():
            if stop.end <= upto:
                run.done[stop.job_id] = (tid, stop)

    def do_replan(state: Problem, p: Plan) -> Plan:
        t0 = time.perf_counter()
        new = plan_day(state, net=net, time_limit_s=solver_s, initial=p)
        run.replan_seconds.append(time.perf_counter() - t0)
        return new

    def keep(state: Problem, p: Plan, extra: dict[str, list[str]] | None = None) -> Plan:
        ids = {j.id for j in state.jobs}
        seqs = {tid: [j for j in s if j in ids] for tid, s in p.sequences().items()}
        for tid, more in (extra or {}).items():
            seqs.setdefault(tid, []).extend(more)
        return evaluate(state, seqs, net=net, engine=p.engine)

    while events:
        at, _, kind, payload = heapq.heappop(events)
        run.trace.append((at, kind, plan.total_lateness, plan.overtime, len(plan.unassigned)))
        record_done(plan, at)
        problem = freeze(problem, plan, at)
        # Overruns become known when the job starts.
        disrupted = False
        for j in problem.jobs:
            if (
                j.started_at is not None
                and j.started_at <= at
                and j.id in world.overruns
                and j.id not in overrun_applied
            ):
                problem = problem.with_jobs(
                    tuple(
                        replace(x, duration=x.duration + world.overruns[j.id]) if x.id == j.id else x
                        for x in problem.jobs
                    )
                )
                overrun_applied.add(j.id)
                disrupted = True
        if kind == "order":
            job = payload
            candidates = _candidates(net, problem, plan, job, policy, int(sc["offer"]["max_offers"]))
            t, chosen = float(at), None
            for (resp, u), tid in zip(world.offer_draws[job.id], candidates, strict=False):
                if resp > sc["offer"]["timeout_minutes"]:
                    t += sc["offer"]["timeout_minutes"]
                    continue
                t += resp
                if u < sc["offer"]["accept_p"]:
                    chosen = tid
                    break
            if chosen is None:
                run.escalated += 1
                t += sc["offer"]["escalation_minutes"]
                # The dispatcher phones someone: the least-loaded technician with the skill.
                skilled = [t for t in problem.technicians if t.can_do(job)]
                loads = plan.sequences()
                chosen = min(skilled, key=lambda t: (len(loads.get(t.id, [])), t.id)).id if skilled else None
            if chosen is None:
                continue  # nobody at this service point can do it: transferred, counted as unserved
            pending_jobs[job.id] = replace(job, pinned_technician=chosen)
            push(int(round(t)), "confirm", (job.id, t - at))
            continue
        if kind == "confirm":
            jid, waited = payload
            if jid in cancelled:
                continue
            run.confirm_minutes.append(waited)
            run.confirmed.add(jid)
            job = pending_jobs.pop(jid)
            problem = problem.with_jobs((*problem.jobs, job))
            on_shift = {t.id for t in problem.technicians}
            tech = problem.technician(job.pinned_technician) if job.pinned_technician in on_shift else None
            if tech is None:
                job = replace(job, pinned_technician=None)
                problem = problem.with_jobs(tuple(x if x.id != jid else job for x in problem.jobs))
                plan = keep(problem, plan, _nearest_assign(net, problem, plan.sequences(), [job]))
            elif policy == "engine":
                ins = best_insertion(net, problem, plan, tech, job)
                ids = {x.id for x in problem.jobs}
                seqs = {k: [j for j in v if j in ids and j != jid] for k, v in plan.sequences().items()}
                route = seqs.setdefault(tech.id, [])
                route.insert(ins.position if ins else len(route), jid)
                plan = evaluate(problem, seqs, net=net, engine=plan.engine)
            else:
                plan = keep(problem, plan, {tech.id: [jid]})
            continue
        if kind == "cancel":
            cancelled.add(payload)
            if any(j.id == payload and j.started_at is None for j in problem.jobs):
                problem = problem.with_jobs(tuple(j for j in problem.jobs if j.id != payload))
        elif kind == "late":
            tid, until = payload
            problem = replace(
                problem,
                technicians=tuple(
                    replace(t, available_at=until) if t.id == tid else t for t in problem.technicians
                ),
            )
            disrupted = True
        elif kind == "sick":
            orphans = [
                replace(j, pinned_technician=None, started_at=None)
                for j in problem.jobs
                if j.pinned_technician == payload or j.id in plan.sequences().get(payload, [])
            ]
            problem = Problem(
                tuple(t for t in problem.technicians if t.id != payload),
                tuple(j for j in problem.jobs if j.id not in {o.id for o in orphans}) + tuple(orphans),
                problem.now,
            )
            if policy == "greedy":
                seqs = {k: v for k, v in plan.sequences().items() if k != payload}
                plan = keep(problem, replace(plan), _nearest_assign(net, problem, seqs, orphans))
                plan.routes.pop(payload, None)
                continue
            disrupted = True
        if policy == "engine" and (kind == "replan" or disrupted):
            plan = do_replan(problem, plan)
        else:
            plan = keep(problem, plan)
    record_done(plan, 10**9)
    if trace is not None:
        trace.extend(run.trace)
    return _metrics(sc, world, run, cancelled, net, policy)


def _candidates(net: Any, problem: Problem, plan: Plan, job: Job, policy: str, k: int) -> list[str]:
    if policy == "engine":
        state = problem.with_jobs((*problem.jobs, job))
        return [o.technician_id for o in rank_offers(net, state, plan, job, limit=k)]
    by_id = {j.id: j for j in problem.jobs}
    options = []
    for t in problem.technicians:
        route = plan.routes.get(t.id)
        if not t.can_do(job) or t.shift_end <= problem.now or (route and len(route.stops) >= t.max_jobs):
            continue
        last = (
            [s.job_id for s in route.stops if s.start <= problem.now and s.job_id in by_id] if route else []
        )
        where = by_id[last[-1]].location if last else t.location
        options.append((net.metres[net.at(where)][net.at(job.location)], t.id))
    return [tid for _, tid in sorted(options)[:k]]


def _nearest_assign(
    net: Any, problem: Problem, seqs: dict[str, list[str]], jobs: list[Job]
) -> dict[str, list[str]]:
    """Baseline: each job (by window) to the technician whose last queued job is nearest; append."""
    by_id = {j.id: j for j in problem.jobs}
    by_id.update({j.id: j for j in jobs})
    out: dict[str, list[str]] = {}
    queues = {t.id: list(seqs.get(t.id, [])) for t in problem.technicians}
    for job in sorted(jobs, key=lambda j: j.window_start):
        best = None
        for t in problem.technicians:
            if not t.can_do(job) or len(queues[t.id]) >= t.max_jobs:
                continue
            q = [x for x in queues[t.id] if x in by_id]
            where = by_id[q[-1]].location if q else t.location
            d = net.metres[net.at(where)][net.at(job.location)]
            if best is None or d < best[0]:
                best = (d, t.id)
        if best:
            queues[best[1]].append(job.id)
            out.setdefault(best[1], []).append(job.id)
    return out


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _metrics(
    sc: dict[str, Any], world: World, run: Run, cancelled: set[str], net: Any, policy: str
) -> dict[str, Any]:
    jobs = {j.id: j for j in world.booked} | {j.id: j for _, j in world.orders}
    served = {jid: v for jid, v in run.done.items() if jid in jobs}
    expected = [jid for jid in jobs if jid not in cancelled or jid in served]
    on_time = sum(1 for jid in served if served[jid][1].lateness == 0)
    travel, overtime = 0, 0
    techs = {t.id: t for t in world.techs}
    per_tech: dict[str, list[tuple[str, Stop]]] = {}
    for jid, (tid, stop) in served.items():
        per_tech.setdefault(tid, []).append((jid, stop))
    for tid, items in per_tech.items():
        items.sort(key=lambda x: x[1].start)
        travel += sum(s.travel_m for _, s in items)
        t = techs[tid]
        home = net.at(t.location)
        last = net.at(jobs[items[-1][0]].location)
        end = items[-1][1].end + net.minutes[last][home]
        travel += net.metres[last][home]
        if tid not in world.sick:
            overtime += max(0, end - t.shift_end)
    cm = run.confirm_minutes
    # Orders cancelled before anyone confirmed them do not count either way.
    n_orders = len([1 for _, j in world.orders if j.id not in cancelled or j.id in run.confirmed])
    sla = float(sc["confirm_sla_minutes"])
    return {
        "policy": policy,
        "orders": n_orders,
        "confirmed_within_30min": round(sum(1 for m in cm if m <= sla) / max(1, n_orders), 4),
        "confirm_mean_min": round(statistics.fmean(cm), 2) if cm else None,
        "confirm_p95_min": round(_pct(cm, 0.95), 2),
        "escalated": run.escalated,
        "jobs": len(expected),
        "served": len(served),
        "on_site_in_window": round(on_time / max(1, len(expected)), 4),
        "late_minutes_total": sum(s.lateness for _, s in served.values()),
        "travel_km": round(travel / 1000, 1),
        "overtime_min": overtime,
        "replans": len(run.replan_seconds),
        "replan_p50_s": round(_pct(run.replan_seconds, 0.5), 3),
        "replan_p99_s": round(_pct(run.replan_seconds, 0.99), 3),
    }


def run_scenario(sc: dict[str, Any], seed: int) -> dict[str, Any]:
    return {
        "scenario": sc.get("name", "?"),
        "seed": seed,
        "engine": simulate(sc, seed, "engine"),
        "greedy_baseline": simulate(sc, seed, "greedy"),
    }
