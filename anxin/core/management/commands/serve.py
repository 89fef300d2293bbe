"""Start the web server (gunicorn) and the Huey worker together; stop both on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'


class Command(BaseCommand):
    help = "Run web + background worker (used by `make run`). PORT, HOST and WEB_CONCURRENCY override the defaults."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        port = os.environ.get("PORT", "8000")
        host = os.environ.get("HOST", "127.0.0.1")
        workers = os.environ.get("WEB_CONCURRENCY", "2")
        python = sys.executable
        bindir = os.path.dirname(python)
        # Links in SMS/e-mail point at this server unless a public address is configured.
        env = {**os.environ}
        env.setdefault("ANXIN_PUBLIC_URL", f"http://{host}:{port}")
        children = [
            subprocess.Popen(
                [python, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"], env=env
            ),
            subprocess.Popen(
                [
                    os.path.join(bindir, "gunicorn"),
                    "anxin.wsgi",
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    workers,
                    "--worker-class",
                    "gthread",
                    "--threads",
                    os.environ.get("WEB_THREADS", "4"),
                    "--access-logfile",
                    "-",
                    # Path without the query string and no referrer: tracking links carry
                    # their token as ?t=…, which must not reach the access log.
                    "--access-logformat",
                    ACCESS_LOG_FORMAT,
                    "--graceful-timeout",
                    "10",
                ],
                env=env,
            ),
        ]
        self.stdout.write(f"Anxin is running on http://{host}:{port}/ (web + worker). Ctrl-C stops both.")

        def stop(*_: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                child.wait(timeout=15)
