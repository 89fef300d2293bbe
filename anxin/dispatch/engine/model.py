"""Plain data for one service point's day plan.

Times are integer minutes since local midnight of the planning day (Asia/Shanghai); the
caller converts datetimes. Distances are metres. Nothing here touches Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from anxin.dispatch.travel import LatLon

# Objective weights in "metres of travel": lateness dominates, then overtime, then travel.
LATENESS_WEIGHT = 100_000  # one minute late (× priority) weighs like 100 km of driving
OVERTIME_WEIGHT = 1_000  # one minute of overtime weighs like 1 km
UNASSIGNED_WEIGHT = 10_000_000_000  # leaving a job unplanned is worse than any lateness


@dataclass(frozen=True)
class Break:
    """A break of ``duration`` minutes starting between ``earliest`` and ``latest``."""

    earliest: int
    latest: int
    duration: int


@dataclass(frozen=True)
class Technician:
    id: str
    location: LatLon  # where the technician is free from ``available_at`` (home, shop, last job)
    shift_start: int
    shift_end: int
    skills: frozenset[str] = frozenset()
    breaks: tuple[Break, ...] = ()
    max_jobs: int = 12
    max_overtime: int = 90
    end_location: LatLon | None = None  # None: return to ``location``
    available_at: int | None = None  # None: from ``shift_start``

    def can_do(self, job: Job) -> bool:
        if job.pinned_technician is not None:
            return job.pinned_technician == self.id
        return job.skill is None or job.skill in self.skills


@dataclass(frozen=True)
class Job:
    """A visit. ``window_*`` is the promised arrival window (上门时间段)."""

    id: str
    location: LatLon
    duration: int
    window_start: int
    window_end: int
    skill: str | None = None
    priority: int = 1  # lateness weight: 1 normal, 2 VIP / repeat visit, 3 emergency
    pinned_technician: str | None = None  # never reassigned to anyone else
    pinned_position: int | None = None  # locked at this rank in the route's frozen prefix
    started_at: int | None = None  # technician already on site: never moves

    @property
    def locked(self) -> bool:
        return self.started_at is not None or self.pinned_position is not None


@dataclass(frozen=True)
class Problem:
    technicians: tuple[Technician, ...]
    jobs: tuple[Job, ...]
    now: int = 0  # nothing not yet started may start before this minute

    def job(self, job_id: str) -> Job:
        for j in self.jobs:
            if j.id == job_id:
                return j
        raise KeyError(job_id)

    def technician(self, tech_id: str) -> Technician:
        for t in self.technicians:
            if t.id == tech_id:
                return t
        raise KeyError(tech_id)

    def with_jobs(self, jobs: tuple[Job, ...]) -> Problem:
        return replace(self, jobs=jobs)


@dataclass(frozen=True)
class Stop:
    job_id: str
    arrival: int
    start: int
    end: int
    lateness: int
    travel_m: int
    travel_min: int
    locked: bool = False


@dataclass(frozen=True)
class Route:
    technician_id: str
    stops: tuple[Stop, ...]
    end_time: int  # back at the end location
    travel_m: int
    overtime: int
    breaks_taken: tuple[tuple[int, int], ...] = ()  # (start, end) minutes

    @property
    def job_ids(self) -> list[str]:
        return [s.job_id for s in self.stops]


@dataclass
class Plan:
    routes: dict[str, Route]
    unassigned: list[str]
    engine: str
    solve_seconds: float = 0.0
    fallback_reason: str | None = None
    stats: dict[str, float] = field(default_factory=dict)

    def stops(self) -> list[tuple[str, Stop]]:
        return [(tid, s) for tid, r in self.routes.items() for s in r.stops]

    def stop_of(self, job_id: str) -> tuple[str, int, Stop] | None:
        for tid, r in self.routes.items():
            for i, s in enumerate(r.stops):
                if s.job_id == job_id:
                    return tid, i, s
        return None

    @property
    def late_jobs(self) -> int:
        return sum(1 for _, s in self.stops() if s.lateness > 0)

    @property
    def total_lateness(self) -> int:
        return sum(s.lateness for _, s in self.stops())

    @property
    def travel_m(self) -> int:
        return sum(r.travel_m for r in self.routes.values())

    @property
    def overtime(self) -> int:
        return sum(r.overtime for r in self.routes.values())

    def sequences(self) -> dict[str, list[str]]:
        return {tid: r.job_ids for tid, r in self.routes.items()}
