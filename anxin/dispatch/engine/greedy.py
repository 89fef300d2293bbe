"""Greedy plans: the fallback when the solver fails, and the simulator's baseline.

``greedy_append`` is deterministic and fast (jobs × technicians steps): jobs in order of
their window end, each appended to the technician where it is least late, then adds the
least travel. It never fails: a job nobody can do is reported unassigned.
"""

from __future__ import annotations

from collections.abc import Sequence

from anxin.dispatch.engine.model import LATENESS_WEIGHT, OVERTIME_WEIGHT, Job
from anxin.dispatch.engine.ortools_solver import VehicleStart
from anxin.dispatch.engine.schedule import Cursor, Network, finish, step


def greedy_append(
    net: Network, vehicles: Sequence[VehicleStart], jobs: Sequence[Job], *, now: int
) -> tuple[dict[str, list[str]], list[str]]:
    cursors: dict[str, Cursor] = {v.tech.id: v.cursor for v in vehicles}
    caps = {v.tech.id: v.capacity for v in vehicles}
    routes: dict[str, list[str]] = {v.tech.id: [] for v in vehicles}
    unassigned: list[str] = []
    for job in sorted(jobs, key=lambda j: (j.window_end, -j.priority, j.window_start, j.id)):
        best: tuple[int, str, Cursor] | None = None
        for v in vehicles:
            tid = v.tech.id
            if caps[tid] <= 0 or not v.tech.can_do(job):
                continue
            cur = cursors[tid]
            nxt, stop, _ = step(net, cur, job, now)
            end, _, overtime = finish(net, v.tech, nxt)
            if end > v.tech.shift_end + v.tech.max_overtime:
                continue
            _, _, overtime_before = finish(net, v.tech, cur) if routes[tid] else (0, 0, 0)
            cost = (
                stop.lateness * job.priority * LATENESS_WEIGHT
                + (overtime - overtime_before) * OVERTIME_WEIGHT
                + stop.travel_m
            )
            if best is None or cost < best[0]:
                best = (cost, tid, nxt)
        if best is None:
            unassigned.append(job.id)
            continue
        _, tid, nxt = best
        routes[tid].append(job.id)
        cursors[tid] = nxt
        caps[tid] -= 1
    return routes, unassigned
