from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxin.live.calls import calls_outbox_read
from anxin.live.messages import arriving_sms_send
from anxin.live.services import positions_purge
from anxin.live.signaling import signals_purge
from anxin.live.video import recordings_abandoned_close


@db_task()
def live_outbox_read_now() -> int:
    """Enqueued by an outbox kick after an order event commits: bindings follow within seconds."""
    return calls_outbox_read()


@db_periodic_task(crontab(minute="*"))
def live_outbox_read_every_minute() -> int:
    return calls_outbox_read()


@db_periodic_task(crontab(minute="17"))
def live_positions_purge_hourly() -> int:
    """Positions older than ANXIN_LIVE_POSITION_RETENTION_DAYS are deleted."""
    return positions_purge()


@db_periodic_task(crontab(minute="*/5"))
def live_video_housekeeping() -> int:
    """Close recordings whose phone went silent (kept with what arrived); drop stale signaling rows
    (the relays purge them too, but only while a video socket is open in some process)."""
    signals_purge()
    return recordings_abandoned_close()


@db_task()
def arriving_sms(*, order_id: int, minutes: int) -> None:
    arriving_sms_send(order_id=order_id, minutes=minutes)
