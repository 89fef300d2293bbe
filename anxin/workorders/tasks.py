from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anxin.workorders.services import sla_clocks_mark_breached


@db_periodic_task(crontab(minute="*"))
def sla_breach_sweep() -> int:
    return sla_clocks_mark_breached()
