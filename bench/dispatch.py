"""Dispatch benchmark: Solomon-format VRPTW gaps, re-plan latency, day simulations.

    nice .venv/bin/python bench/dispatch.py [--seconds 10] [--solomon-dir DIR] [--seeds 1 2 3]

Real Solomon instances are read from --solomon-dir (or $SOLOMON_DIR, or /work/shared/data/vrptw)
with best-known distances from a ``bks.json`` beside them (../shared/data/vrptw's format: the
distance-only ``distance_ref_exact`` is the reference; or plain {"C101": 828.94, ...}). When none
are found, it says so and benchmarks synthetic Solomon-like instances against a 6x longer
PyVRP run instead (a self-reference, not a best-known solution).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anxin.benchmarks.dispatch_simulation import load_scenario, run_scenario  # noqa: E402
from anxin.benchmarks.solomon import (  # noqa: E402
    check_routes,
    generate_solomon_like,
    read_solomon,
    route_distance,
    solve_solomon,
    write_solomon,
)
from anxin.dispatch.engine.planner import NewJob, plan_day, replan  # noqa: E402
from anxin.dispatch.engine.schedule import Network  # noqa: E402
from anxin.dispatch.travel import LatLon  # noqa: E402
from anxin.testing.dispatch_days import synthetic_day  # noqa: E402

SCENARIOS = Path(__file__).resolve().parents[1] / "anxin" / "benchmarks" / "scenarios"


def _distance_reference(entry: float | dict) -> tuple[float, int | None]:
    """The distance-only reference for a solver that minimises unrounded Euclidean distance.

    ../shared/data/vrptw/bks.json keeps three kinds per instance (its README explains them); the
    hierarchical BKS (fewest vehicles first) is not a distance target, so use ``distance_ref_exact``.
    A plain number (an older {"C101": 828.94} file) is taken as it is.
    """
    if isinstance(entry, dict):
        ref = entry["distance_ref_exact"]
        return float(ref["distance"]), ref.get("vehicles")
    return float(entry), None


def solomon_section(seconds: float, folder: str | None) -> dict:
    folder = folder or os.environ.get("SOLOMON_DIR") or "/work/shared/data/vrptw"
    files = sorted(Path(folder).glob("*.txt")) if Path(folder).is_dir() else []
    bks_file = Path(folder) / "bks.json"
    bks = json.loads(bks_file.read_text()) if bks_file.exists() else {}
    rows: list[dict[str, Any]] = []
    if files and bks:
        source = f"Solomon instances from {folder}"
        for f in files:
            inst = read_solomon(f)
            if inst.name not in bks:
                continue
            routes = solve_solomon(inst, seconds=seconds, seed=1)
            d = sum(route_distance(inst, r) for r in routes)
            ref, ref_vehicles = _distance_reference(bks[inst.name])
            rows.append(
                {
                    "name": inst.name,
                    "routes": len(routes),
                    "distance": d,
                    "ref": ref,
                    "ref_routes": ref_vehicles,
                    "feasible": not check_routes(inst, routes),
                }
            )
    else:
        print(f"no Solomon instances with bks.json in {folder}: using synthetic Solomon-like instances")
        source = "synthetic Solomon-like (seed 101), reference = PyVRP at 6x the time, seed 2"
        tmp = Path(tempfile.mkdtemp())
        for kind in ("C1", "C2", "R1", "R2", "RC1", "RC2"):
            inst = generate_solomon_like(f"AX-{kind}", seed=101, kind=kind)
            write_solomon(inst, tmp / f"{kind}.txt")
            ref_routes = solve_solomon(inst, seconds=seconds * 6, seed=2)
            ref = sum(route_distance(inst, r) for r in ref_routes)
            routes = solve_solomon(inst, seconds=seconds, seed=1)
            d = sum(route_distance(inst, r) for r in routes)
            rows.append(
                {
                    "name": inst.name,
                    "routes": len(routes),
                    "distance": d,
                    "ref": ref,
                    "feasible": not check_routes(inst, routes),
                }
            )
    for r in rows:
        r["gap_pct"] = 100 * (r["distance"] - r["ref"]) / r["ref"]
        print(
            f"  {r['name']:8s} routes={r['routes']:2d}/{r.get('ref_routes') or '-'} "
            f"dist={r['distance']:9.2f} ref={r['ref']:9.2f} "
            f"gap={r['gap_pct']:+.2f}% feasible={r['feasible']}",
            flush=True,
        )
    gaps = [r["gap_pct"] for r in rows]
    return {
        "source": source,
        "seconds": seconds,
        "rows": rows,
        "mean_gap_pct": statistics.fmean(gaps) if gaps else None,
        "max_gap_pct": max(gaps) if gaps else None,
    }


def replan_section(runs: int, solver_seconds: float) -> dict:
    """Re-plan latency at 300 jobs / 60 technicians: plan, then re-plan on a new order (wall clock)."""
    times = []
    for seed in range(runs):
        problem = synthetic_day(seed=seed, technicians=60, jobs=300)
        net = Network.for_problem(problem)
        plan = plan_day(problem, net=net, time_limit_s=solver_seconds)
        for k in range(5):
            t0 = time.perf_counter()
            job = problem.jobs[k]
            new = type(job)(
                f"X{k}", LatLon(job.location.lat + 0.01, job.location.lon), 45, 840, 960, skill="ac"
            )
            problem, plan = replan(
                problem, plan, [NewJob(new)], now=540 + 30 * k, net=net, time_limit_s=solver_seconds
            )
            times.append(time.perf_counter() - t0)
    times.sort()
    return {
        "runs": len(times),
        "solver_seconds": solver_seconds,
        "p50_s": times[len(times) // 2],
        "p99_s": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))],
        "max_s": times[-1],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--solomon-dir")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--skip-solomon", action="store_true")
    ap.add_argument("--only-solomon", action="store_true", help="stop after the VRPTW section")
    ap.add_argument("--out", help="also write all figures as JSON here")
    args = ap.parse_args()
    print(f"load: {os.getloadavg()}")
    out: dict = {}
    if not args.skip_solomon:
        out["solomon"] = solomon_section(args.seconds, args.solomon_dir)
        print(
            f"solomon mean gap {out['solomon']['mean_gap_pct']:.3f}% max {out['solomon']['max_gap_pct']:.3f}%"
        )
    if args.only_solomon:
        print(f"load: {os.getloadavg()}")
        if args.out:
            Path(args.out).write_text(json.dumps(out, indent=1))
        return
    out["replan"] = replan_section(runs=4, solver_seconds=0.8)
    print("replan", out["replan"], flush=True)
    sims = {}
    for name in ("county", "city", "province"):
        sc = load_scenario(SCENARIOS / f"{name}.json")
        sims[name] = [run_scenario(sc, seed) for seed in args.seeds]
        for r in sims[name]:
            print(json.dumps(r), flush=True)
    out["simulations"] = sims
    print(f"load: {os.getloadavg()}")
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
