"""Periodic housekeeping of core tables (Huey finds this module in every installed app)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anxin.core.replay import replay_guards_prune


@db_periodic_task(crontab(minute="17", hour="3"))
def replay_guards_prune_daily() -> int:
    return replay_guards_prune()
