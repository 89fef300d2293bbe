"""The one place that turns an ordered list of jobs into times, lateness and travel.

Every engine (OR-Tools, greedy, the simulator's baseline, the slot picker and the offer
ranking) reports through :func:`schedule_route`, so their figures are comparable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from anxin.dispatch.engine.model import (
    LATENESS_WEIGHT,
    OVERTIME_WEIGHT,
    Break,
    Job,
    Problem,
    Route,
    Stop,
    Technician,
)
from anxin.dispatch.travel import GreatCircleProvider, LatLon, TravelProvider


class Network:
    """Travel minutes and metres between every place a problem mentions; grows on demand."""

    def __init__(self, provider: TravelProvider | None = None) -> None:
        self.provider: TravelProvider = provider or GreatCircleProvider()
        self.index: dict[LatLon, int] = {}
        self.points: list[LatLon] = []
        self.minutes: list[list[int]] = []
        self.metres: list[list[int]] = []

    @classmethod
    def for_problem(cls, problem: Problem, provider: TravelProvider | None = None) -> Network:
        net = cls(provider)
        net.ensure(problem_points(problem))
        return net

    def ensure(self, points: Iterable[LatLon]) -> None:
        new = []
        for p in points:
            if p not in self.index and p not in new:
                new.append(p)
        if not new:
            return
        old_n = len(self.points)
        for p in new:
            self.index[p] = len(self.points)
            self.points.append(p)
        n = len(self.points)
        if isinstance(self.provider, GreatCircleProvider):
            leg = self.provider.leg
            for row in self.minutes:
                row.extend([0] * (n - old_n))
            for row in self.metres:
                row.extend([0] * (n - old_n))
            for _ in range(n - old_n):
                self.minutes.append([0] * n)
                self.metres.append([0] * n)
            for i in range(old_n, n):
                pi = self.points[i]
                for j in range(n):
                    if i == j or j >= old_n and j > i:
                        continue
                    s, m = leg(pi, self.points[j])
                    mins = math.ceil(s / 60)
                    self.minutes[i][j] = self.minutes[j][i] = mins
                    self.metres[i][j] = self.metres[j][i] = m
            return
        matrix = self.provider.matrix(self.points)
        self.minutes = [[math.ceil(s / 60) for s in row] for row in matrix.durations_s]
        self.metres = [list(row) for row in matrix.distances_m]

    def at(self, p: LatLon) -> int:
        return self.index[p]


def problem_points(problem: Problem) -> list[LatLon]:
    pts = [t.location for t in problem.technicians]
    pts += [t.end_location for t in problem.technicians if t.end_location is not None]
    pts += [j.location for j in problem.jobs]
    return pts


@dataclass(frozen=True)
class Cursor:
    """Where a technician stands after some stops: time, place, breaks still owed, jobs done."""

    time: int
    pos: int
    pending: tuple[Break, ...]
    count: int


def start_cursor(net: Network, tech: Technician, now: int) -> Cursor:
    t0 = max(tech.shift_start, tech.available_at if tech.available_at is not None else tech.shift_start, now)
    pending = tuple(
        sorted((b for b in tech.breaks if b.latest >= t0 or b.earliest >= t0), key=lambda b: b.earliest)
    )
    return Cursor(time=t0, pos=net.at(tech.location), pending=pending, count=0)


def step(net: Network, cur: Cursor, job: Job, now: int) -> tuple[Cursor, Stop, list[tuple[int, int]]]:
    """Go from ``cur`` to ``job`` (taking a due break first) and do it."""
    jpos = net.at(job.location)
    taken: list[tuple[int, int]] = []
    if job.started_at is not None:
        start = job.started_at
        end = max(start + job.duration, now)
        stop = Stop(job.id, start, start, end, max(0, start - job.window_end), 0, 0, locked=True)
        later = tuple(b for b in cur.pending if b.earliest >= end)
        return Cursor(end, jpos, later, cur.count + 1), stop, taken
    t = cur.time
    travel = net.minutes[cur.pos][jpos]
    pending = list(cur.pending)
    while pending:
        # Take the break now if it fits in the wait before the window opens, or if after
        # this job it could no longer start in time; otherwise keep it for later.
        b = pending[0]
        bs = max(t, b.earliest)
        fits_in_wait = bs <= b.latest and bs + b.duration + travel <= max(job.window_start, t + travel)
        too_late_after = max(t + travel, job.window_start) + job.duration > b.latest
        if not (fits_in_wait or too_late_after):
            break
        taken.append((bs, bs + b.duration))
        t = bs + b.duration
        pending.pop(0)
    arrival = t + travel
    start = max(arrival, job.window_start)
    stop = Stop(
        job_id=job.id,
        arrival=arrival,
        start=start,
        end=start + job.duration,
        lateness=max(0, arrival - job.window_end),
        travel_m=net.metres[cur.pos][jpos],
        travel_min=travel,
        locked=job.pinned_position is not None,
    )
    return Cursor(stop.end, jpos, tuple(pending), cur.count + 1), stop, taken


def finish(net: Network, tech: Technician, cur: Cursor) -> tuple[int, int, int]:
    """Drive home: (end time, metres, overtime minutes)."""
    home = net.at(tech.end_location or tech.location)
    end = cur.time + net.minutes[cur.pos][home]
    return end, net.metres[cur.pos][home], max(0, end - tech.shift_end)


def schedule_route(net: Network, tech: Technician, jobs: Sequence[Job], now: int) -> Route:
    cur = start_cursor(net, tech, now)
    stops: list[Stop] = []
    breaks: list[tuple[int, int]] = []
    travel = 0
    for job in jobs:
        cur, stop, taken = step(net, cur, job, now)
        stops.append(stop)
        breaks.extend(taken)
        travel += stop.travel_m
    if not stops:
        return Route(tech.id, (), cur.time, 0, 0, ())
    end, back_m, overtime = finish(net, tech, cur)
    return Route(tech.id, tuple(stops), end, travel + back_m, overtime, tuple(breaks))


def route_cost(route: Route, jobs_by_id: dict[str, Job]) -> int:
    late = sum(s.lateness * jobs_by_id[s.job_id].priority for s in route.stops)
    return late * LATENESS_WEIGHT + route.overtime * OVERTIME_WEIGHT + route.travel_m


def locked_prefix(problem: Problem, tech: Technician) -> list[Job]:
    """The jobs of ``tech`` that never move: the started one first, then pinned positions."""
    mine = [j for j in problem.jobs if j.pinned_technician == tech.id and j.locked]
    started = sorted((j for j in mine if j.started_at is not None), key=lambda j: j.started_at or 0)
    pinned = sorted((j for j in mine if j.started_at is None), key=lambda j: j.pinned_position or 0)
    return started + pinned
