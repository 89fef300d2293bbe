"""Shared building blocks: the travel network for an engine problem, the days an order may be
planned on, the settings-driven time limits, and the after-commit hook.

The day problems themselves (orders and technicians as engine jobs and vehicles) are read in
``anxin.dispatch.selectors`` (``day_problem``, ``order_job``); this module holds what the
services add on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anxin.dispatch.engine.schedule import Network
from anxin.dispatch.travel import OsrmTableProvider
from anxin.workorders.models import WorkOrder

OFFER_LOOKAHEAD_DAYS = 2  # an order filed after hours is offered for the next working days


def offer_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ANXIN_OFFER_TIMEOUT_MINUTES)


def plan_time_limit() -> float:
    return settings.ANXIN_PLAN_TIME_LIMIT_S


def on_commit(func: Callable[[], Any]) -> None:
    """Run ``func`` after the current transaction commits (at once outside one)."""
    transaction.on_commit(func)


def network_for(problem: Any) -> Network:
    """Great-circle travel by default; an OSRM server when ``ANXIN_OSRM_URL`` is set (falls back by itself)."""
    url = settings.ANXIN_OSRM_URL
    return Network.for_problem(problem, OsrmTableProvider(url) if url else None)


def order_days(order: WorkOrder, now: dt.datetime) -> list[dt.date]:
    """The days to plan the order on: its appointment day (today if past), else today and the lookahead."""
    today = timezone.localdate(now)
    if order.appointment_start is not None:
        day = timezone.localdate(order.appointment_start)
        return [day] if day >= today else [today]
    return [today + dt.timedelta(days=i) for i in range(OFFER_LOOKAHEAD_DAYS + 1)]
