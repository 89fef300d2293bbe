"""Start the web server (gunicorn with uvicorn workers: HTTP and WebSockets) and the Huey workers together and keep them running.

Each child is supervised: when one dies it is restarted alone, after a backoff that doubles on
every quick crash (1 s, 2 s, 4 s … 30 s) and resets once it has stayed up for a minute. Every
exit and restart is logged. Ctrl-C or SIGTERM stops them all. Production runs the same three
processes under systemd instead (docs/operations.md).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from anxin.core.checks import production_guard

ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'

logger = logging.getLogger("anxin.serve")

STABLE_AFTER_S = 60.0


def _die_with_parent() -> None:
    """Children get SIGTERM if `serve` itself is killed, so no orphan keeps the port (Linux only)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None
    restarts: int = field(default=0)


class Supervisor:
    """Restart whichever child died, with exponential backoff; log every exit."""

    def __init__(
        self, children: list[Child], *, backoff_base: float = 1.0, backoff_max: float = 30.0
    ) -> None:
        self.children = children
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.stopping = False

    def start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, env=child.env, preexec_fn=_die_with_parent)  # noqa: PLW1509
        child.started_at = time.monotonic()
        child.restart_at = None
        logger.info("serve: started %s (pid %s)", child.name, child.process.pid)

    def start_all(self) -> None:
        for child in self.children:
            self.start(child)

    def check(self) -> None:
        """One supervision round: notice exits, schedule restarts, perform due restarts."""
        now = time.monotonic()
        for child in self.children:
            if child.process is not None and child.restart_at is None:
                code = child.process.poll()
                if code is None:
                    if now - child.started_at > STABLE_AFTER_S:
                        child.failures = 0
                    continue
                child.failures += 1
                delay = min(self.backoff_base * 2 ** (child.failures - 1), self.backoff_max)
                child.restart_at = now + delay
                logger.error(
                    "serve: %s (pid %s) exited with code %s; restarting in %.0f s",
                    child.name,
                    child.process.pid,
                    code,
                    delay,
                )
            if child.restart_at is not None and now >= child.restart_at and not self.stopping:
                child.restarts += 1
                self.start(child)

    def run(self, interval: float = 0.2) -> None:
        while not self.stopping:
            self.check()
            time.sleep(interval)

    def stop(self, timeout: float = 15.0) -> None:
        self.stopping = True
        alive = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in alive:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in alive:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def children_for(
    *,
    python: str,
    host: str,
    port: str,
    workers: str,
    threads: str,
    env: dict[str, str],
    data_dir: Path,
    verbose: bool = False,
) -> list[Child]:
    """The three processes. Quiet unless ``verbose``: the console then shows warnings, errors and the
    demo's one-time codes, not a line per request, task or message."""
    gunicorn = os.path.join(os.path.dirname(python), "gunicorn")
    # One port for pages and WebSockets (/ws/, docs/realtime.md): gunicorn supervises uvicorn workers
    # running the ASGI app (``threads`` is unused by them: Django runs a worker's sync views one at a
    # time on its thread-sensitive executor; see ADR "Real-time channel" for what that costs HTTP).
    web = [
        gunicorn, "anxin.asgi:application", "--bind", f"{host}:{port}", "--workers", workers,
        "--worker-class", "uvicorn_worker.UvicornWorker", "--graceful-timeout", "10",
        # gunicorn's default control socket is ~/.gunicorn/: keep every file inside the project.
        "--control-socket", str(data_dir / "gunicorn.ctl"),
    ]  # fmt: skip
    if verbose:
        web += ["--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
    else:
        # uvicorn_worker gives uvicorn's loggers gunicorn's level: without this, every worker prints
        # "Started server process", "Waiting for application startup" ... at INFO, and gunicorn its boots.
        web += ["--log-level", "warning"]
    huey = [python, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"]
    if not verbose:
        huey.append("--quiet")
        env = {"ANXIN_LOG_LEVEL": "WARNING", **env}
    return [
        Child("worker", huey, env),
        Child("evidence-worker", [python, "manage.py", "run_evidence_worker"], env),
        Child("web", web, env),
    ]


class Command(BaseCommand):
    help = (
        "Run web + background workers (used by `make run`), restarting any that dies. "
        "PORT, HOST, WEB_CONCURRENCY and WEB_THREADS override the defaults."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--verbose",
            action="store_true",
            help="log every request, task and message (INFO), not only warnings",
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        production_guard()  # refuse before starting anything, demo logins included (checks E001-E006)
        port = os.environ.get("PORT", "8000")
        host = os.environ.get("HOST", "127.0.0.1")
        # Links in SMS/e-mail point at this server unless a public address is configured.
        env = {**os.environ}
        env.setdefault("ANXIN_PUBLIC_URL", f"http://{host}:{port}")
        supervisor = Supervisor(
            children_for(
                python=sys.executable,
                host=host,
                port=port,
                workers=os.environ.get("WEB_CONCURRENCY", "2"),
                threads=os.environ.get("WEB_THREADS", "4"),
                env=env,
                data_dir=Path(settings.DATA_DIR),
                verbose=options["verbose"],
            )
        )

        def stop(*_: object) -> None:
            supervisor.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        supervisor.start_all()
        self.stdout.write(
            f"Anxin is running on http://{host}:{port}/ (web + workers, restarted if they die). Ctrl-C stops all."
        )
        try:
            supervisor.run()
        finally:
            supervisor.stop()
