"""Background jobs: thin wrappers that fetch by id and call a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anxin.core.queues import evidence_db_task
from anxin.evidence import services
from anxin.notifications.jobs import durable_job


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


@durable_job
def claim_reminder_text(*, claim_id: int) -> None:
    """Durable job enqueued by the reminder sweep: retried with backoff until the buyer's SMS is sent once."""
    services.claim_reminder_text_send(claim_id=claim_id)


@durable_job
def claim_decided_text(*, claim_id: int) -> None:
    """Durable job enqueued with the decision: the buyer's SMS, sent once (quiet hours may defer it)."""
    services.claim_decided_text_send(claim_id=claim_id)
