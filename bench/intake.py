"""Intake throughput: create orders through the HTTP API with N concurrent clients.

Starts its own server (gunicorn, like `make run`) on a fresh database, makes an API
token, then drives `POST /api/v1/orders` with unique customers from N keep-alive
connections (asyncio, raw HTTP/1.1 to keep the client's own CPU use small).

    .venv/bin/python bench/intake.py --db sqlite --clients 16 --seconds 20
    .venv/bin/python bench/intake.py --db postgres --clients 8 --seconds 15    # 127.0.0.1:5432, db anxin_bench
    .venv/bin/python bench/intake.py --db postgres --rate 100 --seconds 15     # steady arrivals: p99 at 100/s

Closed loop (default): each client sends its next order when the last one answered (saturation).
``--rate R``: orders arrive at R per second whatever the answers (up to --clients in flight, one per
server thread by default); latency counts from the planned arrival, so queueing is not hidden.

Prints one JSON line, before the server is stopped (a slow shutdown cannot lose it; ``--out FILE``
also writes it): orders/s, p50/p99 latency (ms), errors, CPU per order of PostgreSQL (its
backends for the bench database), of the web server's processes and of this client (user + system,
from /proc), the processor, the 1-minute load average before and after the run and the disk's
fsync latency next to the database files (median and max of 20 fsyncs, ms).
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
import urllib.request
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


async def _order(reader, writer, host: str, token: str, rng: random.Random, worker: int, seq: int):  # type: ignore[no-untyped-def]
    """Send one new-customer order on a keep-alive connection; (status, server closes)."""
    brand, category = rng.choice(BRANDS)
    body = json.dumps(
        {
            "phone": f"1{rng.randint(3, 9)}{worker:03d}{seq % 10**6:06d}"[:11],
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
    return int(status_line.split()[1]), close


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
    seq = run * 100_000  # unique customers and keys across runs (under 100,000 orders a run)
    while time.perf_counter() < deadline:
        seq += 1
        started = time.perf_counter()
        status, close = await _order(reader, writer, host, token, rng, worker, seq)
        if status == 201:
            latencies.append(time.perf_counter() - started)
        else:
            errors.append(status)
        if close:
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()


async def _steady(
    host: str, port: int, token: str, rate: float, seconds: float, in_flight: int, run: int
) -> tuple[list[float], list[int], float]:
    """Open loop: order i is due at start + i/rate; its latency counts from then."""
    latencies: list[float] = []
    errors: list[int] = []
    total = int(rate * seconds)
    started = time.perf_counter()
    next_index = iter(range(total))

    async def worker(w: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        rng = random.Random(w)
        for i in next_index:
            due = started + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            status, close = await _order(reader, writer, host, token, rng, w, run * 100_000 + i)
            if status == 201:
                latencies.append(time.perf_counter() - due)
            else:
                errors.append(status)
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
        writer.close()

    await asyncio.gather(*[worker(w) for w in range(in_flight)])
    return latencies, errors, time.perf_counter() - started


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


def fsync_latency_ms(db: str, env: dict[str, str]) -> dict[str, float | str]:
    """Median and max of 20 write+fsync of 8 KiB next to the database files (commit latency floor), and the dir."""
    folder = env.get("ANXIN_DATA_DIR") or tempfile.gettempdir()
    if db == "postgres":
        shown = subprocess.run(
            ["psql", env["DATABASE_URL"], "-Atc", "SHOW data_directory"], capture_output=True, text=True
        ).stdout.strip()
        parent = str(Path(shown).parent) if shown else ""
        folder = parent if parent and os.access(parent, os.W_OK) else folder
    times = []
    with tempfile.NamedTemporaryFile(dir=folder, prefix="anxin-fsync-") as probe:
        for _ in range(20):
            probe.write(os.urandom(8192))
            probe.flush()
            started = time.perf_counter()
            os.fsync(probe.fileno())
            times.append((time.perf_counter() - started) * 1000)
    return {"median": round(statistics.median(times), 3), "max": round(max(times), 3), "dir": folder}


def pg_backends(env: dict[str, str]) -> list[int]:
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    out = subprocess.run(
        [
            "psql",
            env["DATABASE_URL"],
            "-Atc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [int(pid) for pid in out.split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (same machine: /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the backend exited
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def process_tree(root: int) -> list[int]:
    """``root`` and its child processes (the gunicorn master and its workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # exited meanwhile
            continue
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def cpu_model() -> str:
    """The processor's name and the number of CPUs this process may run on: throughput on a
    shared VM depends on both, so every figure carries them."""
    names = [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    ]
    return f"{len(os.sched_getaffinity(0))} × {names[0] if names else 'unknown'}"


def _pct(latencies: list[float], p: float) -> float | None:
    if not latencies:
        return None
    return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)


def _server(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            *_worker_args(args),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/v1/openapi.json", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server


def _worker_args(args: argparse.Namespace) -> list[str]:
    if args.worker_class == "uvicorn":  # what `manage.py serve` runs (ASGI: pages, API and WebSockets)
        return ["anxin.asgi", "--worker-class", "uvicorn_worker.UvicornWorker"]
    worker = ["anxin.wsgi", "--worker-class", "gthread", "--threads", str(args.threads)]
    if args.worker_connections:
        # A gthread worker accepts while it holds fewer than worker_connections sockets (1000 by
        # default), so the first worker to wake can take most keep-alive clients (or a proxy's upstream
        # pool) and leave the others idle; a small cap spreads them over the workers.
        worker += ["--worker-connections", str(args.worker_connections)]
    return worker


def _clients(args: argparse.Namespace) -> int:
    # At --rate, one connection per server thread: more would queue unevenly inside gunicorn workers
    # (each keeps its own keep-alive connections); late arrivals wait here and their wait is counted.
    return args.clients or (args.workers * args.threads if args.rate else 16)


def _measure(
    args: argparse.Namespace, env: dict[str, str], token: str, server: subprocess.Popen
) -> dict[str, object]:
    def run(number: int, seconds: float) -> tuple[list[float], list[int], float]:
        if args.rate:
            return asyncio.run(
                _steady("127.0.0.1", args.port, token, args.rate, seconds, _clients(args), number)
            )
        return asyncio.run(_load(args.port, token, _clients(args), seconds, run=number))

    run(1, 2)  # warm-up: imports, connections, caches
    backends = pg_backends(env) if args.db == "postgres" else []
    pg_before = cpu_seconds(backends)
    web = process_tree(server.pid)
    web_before = cpu_seconds(web)
    client_before = time.process_time()
    load_before = os.getloadavg()
    latencies, errors, elapsed = run(2, args.seconds)
    load_after = os.getloadavg()
    client_cpu = time.process_time() - client_before
    if args.db == "postgres":
        backends = sorted(set(backends) | set(pg_backends(env)))  # a backend opened meanwhile started at 0
    pg_cpu = cpu_seconds(backends) - pg_before
    web = sorted(set(web) | set(process_tree(server.pid)))  # a worker restarted meanwhile started at 0
    web_cpu = cpu_seconds(web) - web_before
    latencies.sort()

    def per_order(seconds: float) -> float | None:
        return round(seconds * 1000 / len(latencies), 2) if latencies else None

    return {
        "db": args.db,
        "mode": f"steady {args.rate}/s" if args.rate else "closed loop",
        "clients": _clients(args),
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "worker_connections": args.worker_connections or None,
        "server_side_binding": args.server_side_binding,
        "seconds": round(elapsed, 1),
        "orders": len(latencies),
        "orders_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": _pct(latencies, 0.50),
        "p99_ms": _pct(latencies, 0.99),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        # PostgreSQL backends of the bench database only (not the WAL writer or checkpointer).
        "pg_cpu_ms_per_order": per_order(pg_cpu) if backends else None,
        # The web server's processes (master and workers) and this client's, user + system: with
        # PostgreSQL's they say how much of the machine's CPU one order takes, so figures from
        # machines of different speed can be compared.
        "web_cpu_ms_per_order": per_order(web_cpu),
        "client_cpu_ms_per_order": per_order(client_cpu),
        "cpu": cpu_model(),
        # The machine is shared: the 1-minute load average before and after the measured run.
        "load_1m": [round(load_before[0], 2), round(load_after[0], 2)],
        "fsync_ms": fsync_latency_ms(args.db, env),
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--clients", type=int, default=0, help="connections (16 closed loop; at --rate, workers × threads)"
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=0, help="steady arrivals per second (open loop)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "4")),
        help="gunicorn worker processes",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-class",
        choices=["gthread", "uvicorn"],
        default="gthread",
        help="WSGI gthread or ASGI uvicorn",
    )
    parser.add_argument(
        "--worker-connections", type=int, default=0, help="gthread: sockets one worker holds (gunicorn: 1000)"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server-side-binding", action="store_true", help="psycopg server-side binding")
    parser.add_argument("--out", help="also write the JSON result to this file")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="anxin-bench-")
    env = _env(args.db, data_dir)
    if args.server_side_binding:
        env["DB_SERVER_SIDE_BINDING"] = "true"
    token = _prepare(env, args.db)
    server = _server(args, env)
    try:
        result = json.dumps(_measure(args, env, token, server), ensure_ascii=False)
        print(result, flush=True)  # before the shutdown: a slow or hung server cannot lose it
        if args.out:
            Path(args.out).write_text(result + "\n")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
