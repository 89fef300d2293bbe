"""Evidence analysis has its own queue and a memory-capped worker, apart from acks and offers."""

from __future__ import annotations

import subprocess
import sys

from huey.contrib.djhuey import HUEY

from anxin.core.queues import evidence_huey
from anxin.evidence.tasks import claim_reminders_task, evidence_analyze_task, evidence_reanalyze_task
from anxin.notifications.tasks import job_run_task


def test_evidence_analysis_is_queued_apart_from_acknowledgements_and_offers():
    assert evidence_analyze_task.huey is evidence_huey and evidence_reanalyze_task.huey is evidence_huey
    assert job_run_task.huey is HUEY and claim_reminders_task.huey is HUEY
    assert evidence_huey.name != HUEY.name
    name = "anxin.evidence.tasks.evidence_analyze_task"
    assert name in evidence_huey._registry._registry and name not in HUEY._registry._registry


def test_the_evidence_worker_cannot_grow_past_its_memory_limit():
    script = (
        "from anxin.core.management.commands.run_evidence_worker import memory_limit_apply\n"
        "memory_limit_apply(300)\n"
        "try:\n"
        "    blob = bytearray(400 * 1024 * 1024)\n"
        "except MemoryError:\n"
        "    raise SystemExit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        env={"DJANGO_SETTINGS_MODULE": "anxin.settings_test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr.decode()[-2000:]
