from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxin.sla.services import sla_outbox_read, sla_sweep


@db_periodic_task(crontab(minute="*"))
def sla_sweep_every_minute() -> dict[str, int]:
    """Catch up with the timeline first (a kick may have been lost), then warn, breach, escalate."""
    sla_outbox_read()
    return sla_sweep()


@db_task()
def sla_outbox_read_now() -> int:
    """Enqueued by an outbox kick after an order event commits: clocks react within seconds."""
    return sla_outbox_read()
