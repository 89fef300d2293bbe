"""Background jobs: thin wrappers that fetch by id and call a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anxin.core.queues import evidence_db_task
from anxin.evidence import services


# Analysis runs on the evidence queue (its own memory-capped worker); reminders stay on the main one.
@evidence_db_task(retries=2, retry_delay=30)
def evidence_analyze_task(file_id: int) -> None:
    services.evidence_analyze(file_id=file_id)


@evidence_db_task(retries=2, retry_delay=30)
def evidence_reanalyze_task(file_id: int) -> None:
    services.evidence_analyze(file_id=file_id, refresh=True)


@db_periodic_task(crontab(minute="*/15"))
def claim_reminders_task() -> int:
    return services.claim_reminders_send()
