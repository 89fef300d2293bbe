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
from intake import ADDRESSES, BRANDS, ROOT, _env, _prepare, fsync_latency_ms, pg_backend_cpu_s  # noqa: E402


def _child(args: argparse.Namespace) -> None:
    import cProfile
    import pstats
    import random

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection, reset_queries
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

    for seq in range(20):  # warm-up: imports, caches, the connection
        one(seq)
    connection.ensure_connection()
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    from django.conf import settings

    settings.DEBUG = True  # count statements
    reset_queries()
    profile = cProfile.Profile() if args.profile else None
    pg_before = pg_backend_cpu_s([backend]) if backend else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    for seq in range(1000, 1000 + args.orders):
        one(seq)
    if profile:
        profile.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    pg_after = pg_backend_cpu_s([backend]) if backend else None
    statements = [q for q in connection.queries if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
    if profile:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)
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
        for _ in range(args.runs):
            load = os.getloadavg()[0]
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--token", token, "--orders", str(args.orders)]
                + (["--profile", str(args.profile)] if args.profile else []),
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            if args.profile:
                sys.stderr.write(out.stderr)
            runs.append({**json.loads(out.stdout.strip().splitlines()[-1]), "load_1m": round(load, 2)})
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
                "fsync_ms": fsync_latency_ms(args.db, env),
                "load_1m": [r["load_1m"] for r in runs],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
