"""`serve` keeps its children running: the one that died is restarted alone, with backoff, and logged."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from anxin.core.management.commands import serve
from anxin.core.management.commands.serve import Child, Supervisor


def _sleeper(name: str) -> Child:
    return Child(name, [sys.executable, "-c", "import time; time.sleep(60)"], dict(os.environ))


def _until(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _checked(supervisor: Supervisor, condition: Callable[[], bool]) -> Callable[[], bool]:
    """A predicate for _until that lets the supervisor look at its children first."""

    def predicate() -> bool:
        supervisor.check()
        return condition()

    return predicate


def _process(child: Child) -> subprocess.Popen[Any]:
    assert child.process is not None, f"{child.name} is not running"
    return child.process


def test_a_killed_child_is_restarted_alone_with_backoff_and_logged(caplog):
    web, worker = _sleeper("web"), _sleeper("worker")
    supervisor = Supervisor([web, worker], backoff_base=1.0)
    supervisor.start_all()
    try:
        web_pid, worker_pid = _process(web).pid, _process(worker).pid
        with caplog.at_level(logging.INFO, logger="anxin.serve"):
            os.kill(worker_pid, signal.SIGKILL)
            _until(_checked(supervisor, lambda: _process(worker).pid != worker_pid))
        assert _process(web).pid == web_pid and _process(web).poll() is None
        assert _process(worker).poll() is None and worker.restarts == 1
        assert f"worker (pid {worker_pid}) exited with code -9; restarting" in caplog.text

        # A crash loop backs off: the second quick death waits twice as long.
        first = _process(worker).pid
        os.kill(first, signal.SIGKILL)
        checked_at: list[float] = []

        def restart_scheduled() -> bool:
            checked_at.append(time.monotonic())
            supervisor.check()
            return bool(worker.restart_at)

        _until(restart_scheduled)
        # Measured from before the check that scheduled it, so a slow assertion cannot eat into it.
        assert worker.restart_at is not None
        assert worker.failures == 2 and worker.restart_at - checked_at[-1] > 1.9  # 2 s, was 1 s
    finally:
        supervisor.stop(timeout=5)
    assert all(_process(child).poll() is not None for child in (web, worker))


def _children(verbose: bool = False, env: dict[str, str] | None = None) -> dict[str, serve.Child]:
    children = serve.children_for(
        python=sys.executable,
        host="127.0.0.1",
        port="8000",
        workers="1",
        threads="2",
        env=env or {},
        data_dir=Path("/srv/anxin/data"),
        verbose=verbose,
    )
    return {c.name: c for c in children}


def test_serve_runs_the_web_the_worker_and_the_evidence_worker():
    children = _children()
    assert list(children) == ["worker", "evidence-worker", "web"]
    assert children["evidence-worker"].argv[-1] == "run_evidence_worker"


def test_gunicorns_control_socket_stays_inside_the_data_folder():
    web = _children()["web"].argv
    assert web[web.index("--control-socket") + 1] == "/srv/anxin/data/gunicorn.ctl"


def test_the_console_is_quiet_unless_verbose_and_an_explicit_log_level_wins():
    quiet = _children()
    assert "--access-logfile" not in quiet["web"].argv and "--quiet" in quiet["worker"].argv
    web = quiet["web"].argv  # gunicorn's level is the uvicorn workers' level (no INFO lines per worker)
    assert web[web.index("--log-level") + 1] == "warning"
    assert all(c.env["ANXIN_LOG_LEVEL"] == "WARNING" for c in quiet.values())
    loud = _children(verbose=True)
    assert "--access-logfile" in loud["web"].argv and "--quiet" not in loud["worker"].argv
    assert "--log-level" not in loud["web"].argv
    assert "ANXIN_LOG_LEVEL" not in loud["web"].env
    assert _children(env={"ANXIN_LOG_LEVEL": "DEBUG"})["web"].env["ANXIN_LOG_LEVEL"] == "DEBUG"
