"""Intake CPU per order, in-process: far less sensitive to other load on the machine than throughput.

Builds a fresh database like bench/intake.py, then files N orders through `POST /api/v1/orders`
(Django's test client, one process, one thread, Idempotency-Key on each) and reports per order:
the web process's CPU (`time.process_time`), wall time, SQL statements, and PostgreSQL's own CPU
(utime + stime of this connection's backend process from /proc, PostgreSQL on this machine only).

    .venv/bin/python bench/intake_cpu.py --db sqlite --orders 300
    .venv/bin/python bench/intake_cpu.py --db postgres --orders 300 --profile 25   # + cProfile top 25
    .venv/bin/python bench/intake_cpu.py --db postgres --orders 300 --server-side-binding

Prints one JSON line (and the profile before it with --profile).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake import ADDRESSES, BRANDS, ROOT, _env, _prepare, cpu_seconds, fsync_latency_ms  # noqa: E402


def _child(args: argparse.Namespace) -> None:
    import cProfile
    import pstats
    import random

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {args.token}")
    rng = random.Random(1)

    def one(seq: int) -> None:
        brand, category = rng.choice(BRANDS)
        body = {
            "phone": f"139{seq:08d}",
            "name": "压测用户",
            "address": rng.choice(ADDRESSES),
            "brand": brand,
            "category": category,
            "description": "压测：设备故障",
        }
        response = client.post(
            "/api/v1/orders",
            data=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"cpu-{seq}",
        )
        assert response.status_code == 201, response.content

    base = args.run_index * 100_000  # each run its own customers and keys
    for seq in range(base, base + 20):  # warm-up: imports, caches, the connection
        one(seq)
    connection.ensure_connection()
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    statements: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT"):
            statements.append(sql)
        return execute(sql, params, many, context)

    profile = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not wall
    pg_before = cpu_seconds([backend]) if backend else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    with connection.execute_wrapper(count):
        for seq in range(base + 1000, base + 1000 + args.orders):
            one(seq)
    if profile:
        profile.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    pg_after = cpu_seconds([backend]) if backend else None
    if profile:
        stats = pstats.Stats(profile, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats("anxin/|ninja/operation|handlers/base", args.profile)
    n = args.orders
    print(
        json.dumps(
            {
                "cpu_ms_per_order": round(cpu * 1000 / n, 2),
                "wall_ms_per_order": round(wall * 1000 / n, 2),
                "statements_per_order": round(len(statements) / n, 2),
                "pg_cpu_ms_per_order": round((pg_after - pg_before) * 1000 / n, 2)
                if backend and pg_before is not None and pg_after is not None
                else None,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3, help="child processes; the median is reported")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions (cProfile)")
    parser.add_argument("--server-side-binding", action="store_true", help="psycopg server-side binding")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--run-index", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return

    data_dir = tempfile.mkdtemp(prefix="anxin-bench-cpu-")
    env = _env(args.db, data_dir)
    if args.server_side_binding:
        env["DB_SERVER_SIDE_BINDING"] = "true"
    try:
        token = _prepare(env, args.db)
        runs = []
        for run in range(args.runs):
            load = os.getloadavg()[0]
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--token",
                    token,
                    "--orders",
                    str(args.orders),
                    "--run-index",
                    str(run),
                ]
                + (["--profile", str(args.profile)] if args.profile else []),
                cwd=ROOT,
                env=env,
                check=False,
                capture_output=True,
                text=True,
            )
            if out.returncode:
                raise SystemExit(out.stderr[-3000:])
            if args.profile:
                sys.stderr.write(out.stderr)
            runs.append({**json.loads(out.stdout.strip().splitlines()[-1]), "load_1m": round(load, 2)})
        fsync = fsync_latency_ms(args.db, env)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    def median(key: str) -> float | None:
        values = [r[key] for r in runs if r[key] is not None]
        return round(statistics.median(values), 2) if values else None

    print(
        json.dumps(
            {
                "db": args.db,
                "orders": args.orders,
                "server_side_binding": args.server_side_binding,
                **{k: median(k) for k in runs[0] if k != "load_1m"},
                "runs": runs,
                "fsync_ms": fsync,
                "load_1m": [r["load_1m"] for r in runs],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
