from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anxin.sla.services import sla_sweep


@db_periodic_task(crontab(minute="*"))
def sla_sweep_every_minute() -> dict[str, int]:
    return sla_sweep()
