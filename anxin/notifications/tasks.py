"""Huey side of the durable jobs: a runner fetching by id, and the sweeper for lost wake-ups."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from anxin.notifications import jobs


@db_task()
def job_run_task(job_id: int) -> str:
    """No Huey retries: the job row keeps its own attempts, backoff and dead-letter state."""
    return jobs.job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*"))
def jobs_sweep_every_minute() -> int:
    return jobs.jobs_sweep()


@db_task()
def jobs_sweep_task() -> int:
    return jobs.jobs_sweep()


@HUEY.on_startup()
def jobs_sweep_on_startup() -> None:
    """A restarted worker picks up what its predecessor left at once, then again when leases run out."""
    jobs_sweep_task()
    jobs_sweep_task.schedule(delay=dt.timedelta(seconds=settings.ANXIN_JOB_LEASE_S + 1).total_seconds())
