"""`serve` keeps its children running: the one that died is restarted alone, with backoff, and logged."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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
        _until(_checked(supervisor, lambda: worker.restart_at is not None))
        assert worker.restart_at is not None
        assert worker.failures == 2 and worker.restart_at - time.monotonic() > 1.5  # 2 s, was 1 s
    finally:
        supervisor.stop(timeout=5)
    assert all(_process(child).poll() is not None for child in (web, worker))


def test_serve_runs_the_web_the_worker_and_the_evidence_worker():
    children = serve.children_for(
        python=sys.executable, host="127.0.0.1", port="8000", workers="1", threads="2", env={}
    )
    assert [c.name for c in children] == ["worker", "evidence-worker", "web"]
    assert children[1].argv[-1] == "run_evidence_worker"
