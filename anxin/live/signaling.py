"""WebRTC signaling between the technician's phone and each viewer, across server processes.

Messages go to channel-layer groups: ``video_publisher_group`` (the technician's socket),
``video_viewers_group`` (every viewer of the order), ``video_peer_group`` (one viewer).

- ``REDIS_URL`` set: the layer is shared by every process, ``group_send`` reaches every socket.
- No Redis (``make run`` alone: in-memory layer per process, two web workers): the sender writes a
  ``SignalMessage`` row; each process's ``SignalRelay`` reads new rows every
  ``ANXIN_LIVE_RELAY_INTERVAL`` and sends them to its own layer, so the socket in whichever process
  holds it gets them, as the timeline relay does for order events (relay.py). Rows live a minute.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from anxin.live.models import SignalMessage

logger = logging.getLogger("anxin.live")

SIGNAL_TTL = dt.timedelta(seconds=60)


def video_publisher_group(order_id: int) -> str:
    return f"live.video.{order_id}.publisher"


def video_viewers_group(order_id: int) -> str:
    return f"live.video.{order_id}.viewers"


def video_peer_group(order_id: int, peer: str) -> str:
    return f"live.video.{order_id}.peer.{peer}"


def _uses_database() -> bool:
    return not settings.REDIS_URL


def signal_store(*, group: str, payload: dict[str, Any]) -> SignalMessage:
    return SignalMessage.objects.create(group=group, payload=json.dumps(payload), created_at=timezone.now())


# Ids are taken at insert but rows become visible at commit: with two processes writing at once, a row
# with a smaller id can appear after a larger one. The relay therefore re-reads the last few seconds and
# delivers what it has not delivered yet, instead of reading after the largest id it saw.
LATE_COMMIT_WINDOW = dt.timedelta(seconds=3)


def signals_recent(
    *, start: int, seen: frozenset[int], now: dt.datetime | None = None
) -> tuple[list[tuple[str, dict[str, Any]]], frozenset[int]]:
    """The rows of the window (after ``start``) not in ``seen``, and the window's ids (the next ``seen``)."""
    since = (now or timezone.now()) - LATE_COMMIT_WINDOW
    ids = list(SignalMessage.objects.filter(id__gt=start, created_at__gte=since).values_list("id", flat=True))
    fresh = [pk for pk in ids if pk not in seen]
    rows = SignalMessage.objects.filter(id__in=fresh).order_by("id") if fresh else []
    return [(row.group, json.loads(row.payload)) for row in rows], frozenset(ids)


def signals_start() -> int:
    return SignalMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def signals_purge(*, now: dt.datetime | None = None) -> int:
    deleted, _ = SignalMessage.objects.filter(created_at__lt=(now or timezone.now()) - SIGNAL_TTL).delete()
    return deleted


async def signal_send(group: str, payload: dict[str, Any]) -> None:
    """Deliver ``payload`` to the sockets in ``group``, whichever process they are in."""
    if _uses_database():
        await database_sync_to_async(signal_store)(group=group, payload=payload)
        return
    layer = get_channel_layer()
    assert layer is not None
    await layer.group_send(group, {"type": "video.signal", "payload": payload})


class SignalRelay:
    """One per process (in-memory layer only): signaling rows → this process's sockets."""

    PURGE_EVERY = 240  # ticks (a minute at 0.25 s)

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.started: asyncio.Event | None = None

    async def ensure_running(self) -> None:
        """Start reading if needed and wait until the start position is known: a socket accepted
        before that could miss a message written in between."""
        if not _uses_database():
            return
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.loop is not loop:
            self.loop = loop
            self.started = asyncio.Event()
            self.task = loop.create_task(self.run(), name="anxin-live-signal-relay")
        assert self.started is not None
        await self.started.wait()

    async def run(self) -> None:
        while True:
            try:
                after = await database_sync_to_async(signals_start)()
                break
            except Exception:
                logger.exception("signal relay: start failed; retrying")
                await asyncio.sleep(settings.ANXIN_LIVE_RELAY_INTERVAL)
        if self.started is not None:
            self.started.set()
        layer = get_channel_layer()
        assert layer is not None
        ticks, seen = 0, frozenset[int]()
        while True:
            try:
                messages, seen = await database_sync_to_async(signals_recent)(start=after, seen=seen)
                for group, payload in messages:
                    await layer.group_send(group, {"type": "video.signal", "payload": payload})
                ticks += 1
                if ticks % self.PURGE_EVERY == 0:
                    await database_sync_to_async(signals_purge)()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("signal relay: read failed; retrying")
            await asyncio.sleep(settings.ANXIN_LIVE_RELAY_INTERVAL)


signal_relay = SignalRelay()
