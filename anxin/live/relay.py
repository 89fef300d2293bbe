"""The relay: new timeline rows and positions, read from the database, fanned out to subscribers.

Every order change is already a ``WorkOrderEvent`` row, written by web requests and by the Huey worker
alike, so reading the table is the one way to see all of them whichever process wrote them. Each ASGI
server process runs one relay task (started by its first subscriber); every
``ANXIN_LIVE_RELAY_INTERVAL`` seconds it reads what is new and sends it to the channel layer's groups.

- Without ``REDIS_URL`` the layer is in memory: each process relays to its own subscribers.
- With ``REDIS_URL`` the layer is channels-redis, shared by every process and host: one relay, the
  holder of a short lease in the shared cache, publishes for all (the others stand by and take over
  within a lease when it stops).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from anxin.live.selectors import Outgoing, event_messages_after, position_messages_after, relay_start

logger = logging.getLogger("anxin.live")

LEASE_KEY = "live:relay-leader"
LEASE_SECONDS = 5


class Relay:
    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.started: asyncio.Event | None = None
        self.identity = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.leading = False

    async def ensure_running(self) -> None:
        """Start the relay if needed and wait until it knows where it starts reading: a subscriber
        accepted before that would miss a change committed in between (the relay starts after it)."""
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.loop is not loop:
            self.loop = loop
            self.started = asyncio.Event()
            self.task = loop.create_task(self.run(), name="anxin-live-relay")
        assert self.started is not None
        await self.started.wait()

    async def run(self) -> None:
        while True:  # subscribers wait for this, so a failing read is retried, not fatal
            try:
                event_at, position_at = await database_sync_to_async(relay_start)()
                break
            except Exception:
                logger.exception("live relay: start failed; retrying")
                await asyncio.sleep(settings.ANXIN_LIVE_RELAY_INTERVAL)
        if self.started is not None:
            self.started.set()
        layer = get_channel_layer()
        assert layer is not None
        while True:
            try:
                if await database_sync_to_async(self._leads)():
                    event_at, position_at = await self.tick(layer, event_at, position_at)
                else:  # stand-by: follow the end so that taking over does not replay the backlog
                    event_at, position_at = await database_sync_to_async(relay_start)()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live relay: read failed; retrying")
            await asyncio.sleep(settings.ANXIN_LIVE_RELAY_INTERVAL)

    async def tick(
        self, layer: Any, event_at: tuple[int, int], position_at: int
    ) -> tuple[tuple[int, int], int]:
        events, event_at = await database_sync_to_async(_read_events)(event_at)
        positions, position_at = await database_sync_to_async(_read_positions)(position_at)
        for message in [*events, *positions]:
            for group in message.groups:
                await layer.group_send(group, {"type": "live.message", "payload": message.payload})
            logger.debug(
                "live relay %s sent %s %s %s to %d groups",
                self.identity,
                message.payload["kind"],
                message.payload.get("event", ""),
                message.payload["at"],
                len(message.groups),
            )
        return event_at, position_at

    def _leads(self) -> bool:
        if not settings.REDIS_URL:
            return True  # in-memory layer: every process serves its own subscribers
        leads = self._hold_lease()
        if leads != self.leading:
            logger.info("live relay %s %s the lead", self.identity, "took" if leads else "lost")
            self.leading = leads
        return leads

    def _hold_lease(self) -> bool:
        if cache.add(LEASE_KEY, self.identity, timeout=LEASE_SECONDS):
            return True
        if cache.get(LEASE_KEY) == self.identity:
            cache.touch(LEASE_KEY, timeout=LEASE_SECONDS)
            return True
        return False


def _read_events(after: tuple[int, int]) -> tuple[list[Outgoing], tuple[int, int]]:
    return event_messages_after(after=after)


def _read_positions(after: int) -> tuple[list[Outgoing], int]:
    return position_messages_after(after=after)


relay = Relay()
