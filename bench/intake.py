"""Intake throughput: create orders through the HTTP API with N concurrent clients.

Starts its own server (gunicorn, like `make run`) on a fresh database, makes an API
token, then drives `POST /api/v1/orders` with unique customers from N keep-alive
connections (asyncio, raw HTTP/1.1 to keep the client's own CPU use small).

    .venv/bin/python bench/intake.py --db sqlite --clients 16 --seconds 20
    .venv/bin/python bench/intake.py --db postgres --clients 16 --seconds 20   # uses 127.0.0.1:5432, db anxin_bench

Prints one JSON line: orders/s, p50/p99 latency (ms), errors, and the load average around the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

ADDRESSES = [
    "北京市朝阳区建国路88号",
    "上海市徐汇区漕溪北路595号",
    "广东省东莞市虎门镇太沙路8号",
    "四川省达州市通川区朝阳东路15号",
    "重庆市秀山县中和街道民族路2号",
]
BRANDS = [("乐创", "消毒柜"), ("昌尔特", "热水器"), ("千百饰", "保险柜")]


def _env(db: str, data_dir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "ANXIN_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "anxin.settings",
        "ANXIN_LOG_LEVEL": "WARNING",
        # The benchmark measures throughput, not the per-token budget of POST /api/v1/orders.
        "ANXIN_API_ORDER_RATE": "1000000/m",
    }
    env.pop("DATABASE_URL", None)
    if db == "postgres":
        # The documented scale-out setup: stateless web workers + PostgreSQL + Redis (jobs, cache).
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anxin_bench"
        )
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    return env


def _prepare(env: dict[str, str], db: str) -> str:
    if db == "postgres":
        url = env["DATABASE_URL"]
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )

    run("migrate", "--noinput")
    run("createcachetable")
    # Demo data (and its logins) is created only with DEBUG on.
    subprocess.run([PY, "manage.py", "seed_demo"], cwd=ROOT, env={**env, "DEBUG": "true"}, check=True)
    run("collectstatic", "--noinput")
    return run("create_api_token", "--role", "agent", "--name", f"bench-{int(time.time())}").stdout.strip()


async def _client(
    host: str,
    port: int,
    token: str,
    deadline: float,
    latencies: list[float],
    errors: list[int],
    worker: int,
    run: int,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    rng = random.Random(worker)
    seq = run * 100_000  # unique customers and keys across runs
    while time.perf_counter() < deadline:
        seq += 1
        brand, category = rng.choice(BRANDS)
        body = json.dumps(
            {
                "phone": f"1{rng.randint(3, 9)}{worker:03d}{seq:06d}"[:11],
                "name": "压测用户",
                "address": rng.choice(ADDRESSES),
                "brand": brand,
                "category": category,
                "description": "压测：设备故障",
            },
            ensure_ascii=False,
        ).encode()
        head = (
            f"POST /api/v1/orders HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Idempotency-Key: bench-{worker}-{seq}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        started = time.perf_counter()
        writer.write(head + body)
        await writer.drain()
        status_line = await reader.readline()
        length, close = 0, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            lower = line.lower()
            if lower.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            elif lower.startswith(b"connection:") and b"close" in lower:
                close = True
        await reader.readexactly(length)
        status = int(status_line.split()[1])
        if status == 201:
            latencies.append(time.perf_counter() - started)
        else:
            errors.append(status)
        if close:
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()


async def _load(
    port: int, token: str, clients: int, seconds: float, run: int
) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *[_client("127.0.0.1", port, token, deadline, latencies, errors, w, run) for w in range(clients)]
    )
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "4")),
        help="gunicorn worker processes",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="anxin-bench-")
    env = _env(args.db, data_dir)
    token = _prepare(env, args.db)
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "anxin.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                import urllib.request

                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/v1/openapi.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        asyncio.run(_load(args.port, token, args.clients, 2, run=1))  # warm-up: imports, connections, caches
        load_before = os.getloadavg()
        latencies, errors, elapsed = asyncio.run(_load(args.port, token, args.clients, args.seconds, run=2))
        load_after = os.getloadavg()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a slow shutdown must not lose the figures measured
            server.kill()
            server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
    latencies.sort()

    def pct(p: float) -> float | None:
        return (
            round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)
            if latencies
            else None
        )

    print(
        json.dumps(
            {
                "db": args.db,
                "clients": args.clients,
                "workers": args.workers,
                "threads": args.threads,
                "seconds": round(elapsed, 1),
                "orders": len(latencies),
                "orders_per_s": round(len(latencies) / elapsed, 1),
                "p50_ms": pct(0.50),
                "p99_ms": pct(0.99),
                "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
                "errors": len(errors),
                "error_statuses": sorted(set(errors)),
                # The machine is shared: the 1-minute load average before and after the measured run.
                "load_1m": [round(load_before[0], 2), round(load_after[0], 2)],
            }
        )
    )


if __name__ == "__main__":
    main()
