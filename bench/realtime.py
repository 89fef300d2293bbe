"""Real-time fan-out: N WebSocket subscribers to one order, latency from a status change to each of them.

Starts the server as ``make run`` does (``manage.py serve``: gunicorn with uvicorn workers, plus the Huey
workers) on a fresh SQLite database, files one order, opens ``--subscribers`` sockets on its tracking
link (``/ws/orders/<number>/?t=…``, the customer page's subscription), then changes the order's status
``--changes`` times (dispatch ↔ withdraw, one every ``--gap`` seconds) from this process, as the Huey
worker or another web process would: a committed ``WorkOrderEvent`` that the relay must find and fan out.

    .venv/bin/python bench/realtime.py                         # embedded default: in-memory layer, DB relay
    .venv/bin/python bench/realtime.py --redis redis://127.0.0.1:6379/10   # channels-redis, one relay
    .venv/bin/python bench/realtime.py --runs 3 --subscribers 1000 --out result.json

Latency of one delivery = the subscriber's receipt − the moment before the change's service call (so it
includes the commit, the relay's poll interval, the channel layer and the socket). Per run: p50/p99/max
over every delivery, and p50/p99 of "every subscriber has it" (the slowest subscriber per change).
Memory per connection = the web processes' RSS (gunicorn master and workers, from /proc) with all
subscribers connected − with none, / subscribers. The clients run in this one asyncio process on the
same machine, so their own CPU is inside the figures. Prints one JSON line (the median of the runs and
each run). To tell losses apart, each run also says which subscribers missed which change and whether
their socket ended early (a change skipped by the relay is missed by everyone; a lost socket misses every
later change); ``--server-log FILE`` keeps the server's output, with the relay's lead changes and each
event it sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _env(data_dir: str, redis_url: str, port: int, workers: int, log_level: str) -> dict[str, str]:
    env = {
        **os.environ,
        "ANXIN_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "anxin.settings",
        "ANXIN_LOG_LEVEL": log_level,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["ANXIN_QUEUE_NAME"] = f"bench-rt-{os.getpid()}"  # keys apart from anything else on this db
    return env


def _prepare(env: dict[str, str]) -> None:
    def run(*args: str) -> None:
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)

    run("migrate", "--noinput")
    run("createcachetable")
    subprocess.run(
        [PY, "manage.py", "seed_demo"],
        cwd=ROOT,
        env={**env, "DEBUG": "true"},
        check=True,
        capture_output=True,
    )
    run("collectstatic", "--noinput")


def _django(env: dict[str, str]) -> None:
    """This process changes the order through the services, on the server's database."""
    os.environ.update({**env, "ANXIN_LOG_LEVEL": "WARNING"})  # --server-log is about the server
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _order_and_actors() -> tuple[Any, Any, Any]:
    from anxin.accounts.models import User
    from anxin.catalog.models import Brand, ProductCategory
    from anxin.intake.services import RepairRequest, request_submit
    from anxin.network.models import ServicePoint, Technician
    from anxin.workorders.choices import Channel, Event
    from anxin.workorders.services import workorder_transition

    brand, category = Brand.objects.order_by("pk").first(), ProductCategory.objects.order_by("pk").first()
    assert brand is not None and category is not None, "seed_demo made no catalogue"
    stamp = int(time.time())
    dispatcher = User.objects.create_user(username=f"bench-disp-{stamp}", password=None, role="dispatcher")
    point = ServicePoint.objects.create(
        name="压测网点", county_code="110105", latitude=39.9, longitude=116.47
    )
    tech_user = User.objects.create_user(username=f"bench-tech-{stamp}", password=None, role="technician")
    tech = Technician.objects.create(user=tech_user, service_point=point, employee_no=f"B{stamp % 100000}")
    tech.brands.add(brand)
    tech.categories.add(category)
    order = request_submit(
        request=RepairRequest(
            channel=Channel.API,
            phone="13800009999",
            name="压测用户",
            address="北京市朝阳区建国路88号",
            brand=brand.name,
            category=category.name,
            serial_number="",
            description="压测：实时推送",
        )
    ).order
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    order.refresh_from_db()
    return order, dispatcher, tech


def _change(order: Any, dispatcher: Any, tech: Any) -> str:
    """One status change: dispatch (accepted → dispatched) or take it back (→ accepted); its event's time.

    Decided by the order's current status: the server's worker may also take an offer back by itself.
    """
    from anxin.workorders.choices import Event, Status
    from anxin.workorders.services import workorder_transition

    order.refresh_from_db()
    if order.status == Status.ACCEPTED:
        order = workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=tech)
    else:
        order = workorder_transition(order=order, event=Event.WITHDRAW, actor=dispatcher)
    created = order.events.order_by("-txid", "-id").values_list("created_at", flat=True).first()
    assert created is not None
    return created.isoformat()  # the message's "at": which change a subscriber's message is


def _server(env: dict[str, str], port: int, log: Any) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [PY, "manage.py", "serve"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,  # uvicorn logs a line per socket: only with --server-log
    )
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def web_rss_kib(serve_pid: int) -> int:
    """RSS of the web server: gunicorn's master and its uvicorn workers (not the Huey workers)."""
    total = 0
    for pid in _descendants(serve_pid):
        if "gunicorn" not in _cmdline(pid):
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return total


class Subscriber:
    def __init__(self) -> None:
        self.received: dict[str, float] = {}  # event time ("at") → perf_counter when it arrived
        self.socket: Any = None
        self.closed: str | None = None  # how the socket ended if the server or the client dropped it
        self.extra = 0  # event messages seen twice (the same change delivered more than once)

    async def open(self, url: str, origin: str) -> None:
        from websockets.asyncio.client import connect

        self.socket = await connect(url, origin=origin, open_timeout=60, max_queue=None)  # type: ignore[arg-type]
        hello = json.loads(await self.socket.recv())
        assert hello["kind"] == "hello", hello

    async def listen(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.socket:
                message = json.loads(raw)
                if message.get("kind") == "event":
                    if message["at"] in self.received:
                        self.extra += 1
                    self.received.setdefault(message["at"], time.perf_counter())
        except ConnectionClosed as closed:
            self.closed = f"{closed.rcvd.code if closed.rcvd else None} {closed}"
        if self.closed is None and not self.closing:
            self.closed = "ended without a close frame"

    closing = False


async def _connect_all(url: str, origin: str, count: int) -> list[Subscriber]:
    subscribers = [Subscriber() for _ in range(count)]
    batch = 50  # not 1,000 handshakes at once: a real crowd does not arrive in the same millisecond
    for start in range(0, count, batch):
        await asyncio.gather(*(s.open(url, origin) for s in subscribers[start : start + batch]))
    return subscribers


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1)


async def _one_run(
    args: argparse.Namespace, port: int, serve_pid: int, order: Any, actors: tuple[Any, Any]
) -> dict:
    origin = f"http://127.0.0.1:{port}"
    url = f"ws://127.0.0.1:{port}/ws/orders/{order.number}/?t={order.tracking_token}"
    await asyncio.sleep(1)
    rss_before = web_rss_kib(serve_pid)
    started = time.perf_counter()
    subscribers = await _connect_all(url, origin, args.subscribers)
    connect_s = time.perf_counter() - started
    listeners = [asyncio.create_task(s.listen()) for s in subscribers]
    await asyncio.sleep(2)  # every worker's relay is polling
    rss_after = web_rss_kib(serve_pid)
    changes: list[tuple[float, str]] = []
    for _ in range(args.changes):
        at = time.perf_counter()
        event_at = await asyncio.to_thread(_change, order, actors[0], actors[1])
        changes.append((at, event_at))
        await asyncio.sleep(args.gap)
    await asyncio.sleep(2)
    closed_early = [s.closed for s in subscribers]  # before the bench closes them itself
    for s in subscribers:
        s.closing = True
        await s.socket.close()
    await asyncio.gather(*listeners, return_exceptions=True)

    deliveries: list[float] = []
    slowest: list[float] = []
    missing = 0
    missing_per_change = []
    for at, event_at in changes:
        per_change = []
        for s in subscribers:
            got = s.received.get(event_at)
            if got is None:
                missing += 1
            else:
                per_change.append(got - at)
        deliveries += per_change
        missing_per_change.append(len(subscribers) - len(per_change))
        if per_change:
            slowest.append(max(per_change))
    # Who missed what: a change skipped by the relay is missed by everyone; a subscriber missing
    # every change lost its socket or its subscription; scattered misses point at the channel layer.
    missed_by = []
    for index, s in enumerate(subscribers):
        missed = [n for n, (_, event_at) in enumerate(changes) if event_at not in s.received]
        if missed:
            missed_by.append({"subscriber": index, "missed": missed, "closed": closed_early[index]})
    return {
        "subscribers": args.subscribers,
        "changes": len(changes),
        "deliveries": len(deliveries),
        "missing": missing,
        "missing_per_change": missing_per_change,
        "subscribers_missing_some": len(missed_by),
        "closed_early": sum(1 for c in closed_early if c),
        "duplicates": sum(s.extra for s in subscribers),
        "missed_by": missed_by[:20],
        "p50_ms": _pct(deliveries, 0.50),
        "p99_ms": _pct(deliveries, 0.99),
        "max_ms": _pct(deliveries, 1.0),
        "all_received_p50_ms": _pct(slowest, 0.50),
        "all_received_p99_ms": _pct(slowest, 0.99),
        "connect_all_s": round(connect_s, 1),
        "rss_kib_before": rss_before,
        "rss_kib_after": rss_after,
        "kib_per_connection": round((rss_after - rss_before) / args.subscribers, 1),
        "load_1m": round(os.getloadavg()[0], 2),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=20, help="status changes per run")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between changes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (serve's default: 2)")
    parser.add_argument("--redis", default="", help="REDIS_URL: channels-redis layer (default: none)")
    parser.add_argument("--out", help="also write the JSON result to this file")
    parser.add_argument(
        "--server-log",
        help="write the server's output here, with the relay's lead changes and what it sends per event "
        "(ANXIN_LOG_LEVEL=DEBUG) and channels-redis's over-capacity drops",
    )
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="anxin-bench-rt-")
    port = _free_port()
    env = _env(data_dir, args.redis, port, args.workers, "DEBUG" if args.server_log else "WARNING")
    _prepare(env)
    _django(env)
    order, dispatcher, tech = _order_and_actors()
    log = open(args.server_log, "ab") if args.server_log else None  # noqa: SIM115 (closed in finally)
    server = _server(env, port, log)
    try:
        runs = []
        for _ in range(args.runs):  # each run on stderr as it ends: 1,000 handshakes take minutes when loaded
            runs.append(asyncio.run(_one_run(args, port, server.pid, order, (dispatcher, tech))))
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
        keys = (
            "p50_ms",
            "p99_ms",
            "max_ms",
            "all_received_p50_ms",
            "all_received_p99_ms",
            "kib_per_connection",
        )
        result = {
            "layer": "redis" if args.redis else "in-memory (database relay)",
            "workers": args.workers,
            "subscribers": args.subscribers,
            "runs": len(runs),
            "median": {k: statistics.median(r[k] for r in runs if r[k] is not None) for k in keys},
            "each": runs,
            "cpus": os.cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        }
        line = json.dumps(result, ensure_ascii=False)
        print(line, flush=True)
        if args.out:
            Path(args.out).write_text(line + "\n")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if log is not None:
            log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
