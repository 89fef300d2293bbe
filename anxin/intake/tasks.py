from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxin.intake.acknowledgements import acknowledgement_send
from anxin.intake.milestones import milestones_read
from anxin.notifications.jobs import durable_job


@durable_job
def acknowledge_request(*, order_id: int, linked: bool) -> None:
    """Durable job enqueued with the order: retried with backoff until the message is sent once."""
    acknowledgement_send(order_id=order_id, linked=linked)


@db_task()
def milestones_read_now() -> int:
    """Enqueued by an outbox kick after a milestone event commits."""
    return milestones_read()


@db_periodic_task(crontab(minute="*"))
def milestones_read_every_minute() -> int:
    """Catch up with the timeline when a kick was lost."""
    return milestones_read()
