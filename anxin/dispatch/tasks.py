"""Dispatch jobs for the Huey worker: thin wrappers that fetch by id and call a service. All idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxin.dispatch import services
from anxin.network.models import ServicePoint
from anxin.notifications.jobs import durable_job


@durable_job
def offer_new_order(*, order_id: int) -> None:
    """Durable job enqueued by intake with the order: offer it to the best technician at once."""
    services.offer_for_new_order(order_id=order_id)


@db_task()
def offer_expire_task(offer_id: int) -> None:
    """Scheduled at the offer's expiry; a no-op when it was answered meanwhile."""
    services.offer_expire(offer_id=offer_id)


@db_task()
def plan_refresh_task(service_point_id: int, day_iso: str, trigger: str) -> None:
    point = ServicePoint.objects.filter(pk=service_point_id, is_active=True).first()
    if point is not None:
        services.plan_refresh(service_point=point, day=dt.date.fromisoformat(day_iso), trigger=trigger)


@db_periodic_task(crontab(minute="*"))
def dispatch_sweep_every_minute() -> dict[str, int]:
    return services.dispatch_sweep()


@db_task()
def dispatch_sweep_now() -> dict[str, int]:
    """The same sweep, enqueued by an outbox kick right after a relevant order event."""
    return services.dispatch_sweep()


@db_periodic_task(crontab(minute="*"))
def offers_consistency_every_minute() -> dict[str, int]:
    """Orders offered without a live offer, or waiting for the first shift: offer them (or escalate)."""
    return services.offers_consistency_check(now=timezone.now())
