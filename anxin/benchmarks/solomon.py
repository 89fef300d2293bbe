"""Solomon VRPTW instances: read, solve with PyVRP, measure in exact Euclidean distance."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

SCALE = 1000  # integer precision for PyVRP: distances and times in 1/1000 units


@dataclass(frozen=True)
class Customer:
    no: int
    x: float
    y: float
    demand: int
    ready: float
    due: float
    service: float


@dataclass(frozen=True)
class SolomonInstance:
    name: str
    vehicles: int
    capacity: int
    depot: Customer
    customers: tuple[Customer, ...]


class SolomonFormatError(ValueError):
    pass


def read_solomon(path: str | Path) -> SolomonInstance:
    """Parse the classic Solomon text layout (name, VEHICLE block, CUSTOMER table; depot is row 0)."""
    lines = [ln.strip() for ln in Path(path).read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise SolomonFormatError("empty file")
    name = lines[0]
    try:
        v_at = next(i for i, ln in enumerate(lines) if ln.upper().startswith("VEHICLE"))
        vehicles, capacity = (int(x) for x in lines[v_at + 2].split()[:2])
        c_at = next(i for i, ln in enumerate(lines) if ln.upper().startswith("CUSTOMER"))
    except (StopIteration, ValueError, IndexError) as exc:
        raise SolomonFormatError(f"missing VEHICLE or CUSTOMER section: {exc}") from exc
    rows = []
    for ln in lines[c_at + 1 :]:
        parts = ln.split()
        if not parts or not parts[0].lstrip("-").isdigit():
            continue  # column headers
        if len(parts) != 7:
            raise SolomonFormatError(f"customer row needs 7 columns: {ln!r}")
        no, x, y, demand, ready, due, service = parts
        rows.append(
            Customer(
                int(no), float(x), float(y), int(float(demand)), float(ready), float(due), float(service)
            )
        )
    if len(rows) < 2 or rows[0].no != 0:
        raise SolomonFormatError("need the depot (customer 0) and at least one customer")
    return SolomonInstance(name, vehicles, capacity, rows[0], tuple(rows[1:]))


def euclid(a: Customer, b: Customer) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def route_distance(inst: SolomonInstance, route: list[int]) -> float:
    """Unrounded Euclidean length of depot → customers (by number) → depot."""
    by_no = {c.no: c for c in inst.customers}
    pts = [inst.depot, *[by_no[n] for n in route], inst.depot]
    return sum(euclid(a, b) for a, b in zip(pts, pts[1:], strict=False))


def check_routes(inst: SolomonInstance, routes: list[list[int]]) -> list[str]:
    """Problems with a solution in exact arithmetic: coverage, capacity, time windows."""
    errors = []
    by_no = {c.no: c for c in inst.customers}
    seen = [n for r in routes for n in r]
    if sorted(seen) != sorted(by_no):
        errors.append("customers not visited exactly once")
    if len(routes) > inst.vehicles:
        errors.append(f"{len(routes)} routes > {inst.vehicles} vehicles")
    for k, r in enumerate(routes):
        if sum(by_no[n].demand for n in r) > inst.capacity:
            errors.append(f"route {k + 1} over capacity")
        t, prev = 0.0, inst.depot
        for n in r:
            c = by_no[n]
            t = max(t + prev.service + euclid(prev, c), c.ready)
            if t > c.due + 1e-6:
                errors.append(f"route {k + 1}: customer {n} at {t:.2f} after {c.due}")
            prev = c
        if t + prev.service + euclid(prev, inst.depot) > inst.depot.due + 1e-6:
            errors.append(f"route {k + 1} back after the depot closes")
    return errors


def solve_solomon(inst: SolomonInstance, *, seconds: float, seed: int = 0) -> list[list[int]]:
    """Minimise total distance with PyVRP within the fleet limit; returns customer numbers per route."""
    pts = [inst.depot, *inst.customers]
    xy = np.array([(p.x, p.y) for p in pts])
    exact = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    dist = np.rint(exact * SCALE).astype(np.int64)
    # Durations round up so that a route feasible for PyVRP is feasible in exact arithmetic.
    dur = np.ceil(exact * SCALE - 1e-6).astype(np.int64)
    locations = [pyvrp.Location(p.x, p.y) for p in pts]
    depot = pyvrp.Depot(
        location=0, tw_early=int(inst.depot.ready * SCALE), tw_late=int(inst.depot.due * SCALE)
    )
    clients = [
        pyvrp.Client(
            location=i + 1,
            delivery=[c.demand],
            service_duration=int(round(c.service * SCALE)),
            tw_early=int(math.ceil(c.ready * SCALE)),
            tw_late=int(math.floor(c.due * SCALE)),
        )
        for i, c in enumerate(inst.customers)
    ]
    vt = pyvrp.VehicleType(
        num_available=inst.vehicles,
        capacity=[inst.capacity],
        start_depot=0,
        end_depot=0,
        tw_early=depot.tw_early,
        tw_late=depot.tw_late,
    )
    data = pyvrp.ProblemData(locations, clients, [depot], [vt], [dist], [dur])
    res = pyvrp.solve(data, MaxRuntime(seconds), seed=seed, collect_stats=False)
    return [[inst.customers[a.idx].no for a in r if a.is_client()] for r in res.best.routes()]


def write_solomon(inst: SolomonInstance, path: str | Path) -> None:
    out = [
        inst.name,
        "",
        "VEHICLE",
        "NUMBER     CAPACITY",
        f"  {inst.vehicles:<10d} {inst.capacity}",
        "",
        "CUSTOMER",
        "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME",
        "",
    ]
    for c in (inst.depot, *inst.customers):
        out.append(f"{c.no:5d} {c.x:10g} {c.y:10g} {c.demand:10d} {c.ready:10g} {c.due:10g} {c.service:10g}")
    Path(path).write_text("\n".join(out) + "\n")


def generate_solomon_like(name: str, *, seed: int, kind: str, n: int = 100) -> SolomonInstance:
    """A synthetic instance in the spirit of Solomon's classes (R/C/RC × 1 short / 2 long horizon).

    Not Solomon's data: used because the real sets are not on this machine (docs/benchmarks/dispatch.md).
    """
    rng = random.Random(seed)
    long_horizon = kind.endswith("2")
    clustered = kind.startswith("C")
    mixed = kind.startswith("RC")
    horizon = (3390 if clustered else 960) if long_horizon else (1236 if clustered else 230)
    service = 90.0 if clustered else 10.0
    capacity = 700 if long_horizon else 200
    centres = [(rng.uniform(10, 90), rng.uniform(10, 90)) for _ in range(10)]
    depot = Customer(0, 40.0, 50.0, 0, 0.0, float(horizon), 0.0)
    customers = []
    for i in range(1, n + 1):
        if clustered or (mixed and i <= n // 2):
            cx, cy = centres[i % len(centres)]
            x, y = round(min(100, max(0, rng.gauss(cx, 4)))), round(min(100, max(0, rng.gauss(cy, 4))))
        else:
            x, y = rng.randint(0, 100), rng.randint(0, 100)
        d0 = math.hypot(x - depot.x, y - depot.y)
        latest = horizon - d0 - service
        width = rng.uniform(0.05, 0.25) * horizon if not long_horizon else rng.uniform(0.1, 0.5) * horizon
        centre = rng.uniform(d0, max(d0, latest))
        ready = max(0, round(centre - width / 2))
        due = min(round(latest), round(centre + width / 2))
        due = max(due, math.ceil(d0) + 1, ready + 1)
        customers.append(
            Customer(i, float(x), float(y), rng.randint(1, 40), float(ready), float(due), service)
        )
    return SolomonInstance(name, 25, capacity, depot, tuple(customers))
