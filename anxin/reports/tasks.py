from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxin.reports.services import reports_outbox_read


@db_task()
def reports_outbox_read_now() -> int:
    """Enqueued by an outbox kick after a completion commits: the report exists within seconds."""
    return reports_outbox_read()


@db_periodic_task(crontab(minute="*"))
def reports_outbox_read_every_minute() -> int:
    """Catch up when a kick was lost (the worker was down when the completion committed)."""
    return reports_outbox_read()
