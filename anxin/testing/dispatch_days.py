"""Seeded synthetic days for tests, the bench and the simulator (no real customer data)."""

from __future__ import annotations

import math
import random

from anxin.dispatch.engine.model import Break, Job, Problem, Technician
from anxin.dispatch.travel import LatLon

SKILLS = ("ac", "washer", "fridge", "water_heater", "tv")
CHENGDU = LatLon(30.5728, 104.0668)


def jitter(rng: random.Random, center: LatLon, radius_km: float) -> LatLon:
    """A point uniformly spread in a disc around ``center``, rounded to ~1 m."""
    r = radius_km * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    dlat = r * math.cos(a) / 111.32
    dlon = r * math.sin(a) / (111.32 * math.cos(math.radians(center.lat)))
    return LatLon(round(center.lat + dlat, 5), round(center.lon + dlon, 5))


def synthetic_day(
    *,
    seed: int,
    technicians: int,
    jobs: int,
    center: LatLon = CHENGDU,
    radius_km: float = 12.0,
    shift: tuple[int, int] = (8 * 60, 18 * 60),
    window: int = 120,
) -> Problem:
    """A day with ``jobs`` booked visits in 2-hour windows across ``technicians`` of mixed skills."""
    rng = random.Random(seed)
    techs = []
    for i in range(technicians):
        main = SKILLS[i % len(SKILLS)]
        extra = set(rng.sample(SKILLS, k=rng.choice((1, 2))))
        techs.append(
            Technician(
                id=f"T{i:03d}",
                location=jitter(rng, center, radius_km),
                shift_start=shift[0],
                shift_end=shift[1],
                skills=frozenset({main} | extra),
                breaks=(Break(11 * 60 + 30, 13 * 60, 45),),
                max_jobs=10,
            )
        )
    out = []
    slots = list(range(shift[0], shift[1] - window + 1, window // 2))
    for k in range(jobs):
        start = rng.choice(slots)
        out.append(
            Job(
                id=f"J{k:04d}",
                location=jitter(rng, center, radius_km),
                duration=rng.choice((30, 45, 60, 90)),
                window_start=start,
                window_end=start + window,
                skill=rng.choice(SKILLS),
                priority=3 if rng.random() < 0.05 else 2 if rng.random() < 0.15 else 1,
            )
        )
    return Problem(technicians=tuple(techs), jobs=tuple(out), now=shift[0] - 30)
