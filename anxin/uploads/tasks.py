"""Periodic housekeeping of uploads (Huey finds this module in every installed app)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anxin.uploads.services import uploads_expired_prune


@db_periodic_task(crontab(minute="41"))
def uploads_expired_prune_hourly() -> int:
    return uploads_expired_prune()
