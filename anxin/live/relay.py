"""The relay: new timeline rows and positions, read from the database, fanned out to subscribers.

Every order change is already a ``WorkOrderEvent`` row, written by web requests and by the Huey worker
alike, so reading the table is the one way to see all of them whichever process wrote them. Each ASGI
server process runs one relay task (started by its first subscriber); every
``ANXIN_LIVE_RELAY_INTERVAL`` seconds it reads what is new and sends it to the channel layer's groups.

- Without ``REDIS_URL`` the layer is in memory: each process relays to its own subscribers, from its
  own position (kept in memory).
- With ``REDIS_URL`` the layer is channels-redis, shared by every process and host: one relay, the
  holder of a short lease in the shared cache, publishes for all. Where it has read to is shared too
  (``OutboxCursor`` rows ``live-relay`` and ``live-relay-positions``), so a relay taking over carries on
  from there instead of from the end, and a batch is sent only by the relay that moved the cursor over it
  (a conditional update): two relays that both believe they lead (a stalled leader whose lease ran out)
  neither skip nor repeat a change.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from anxin.core.models import OutboxCursor
from anxin.core.outbox import outbox_cursor, outbox_cursor_move
from anxin.live.selectors import Outgoing, event_messages_after, position_messages_after, relay_start

logger = logging.getLogger("anxin.live")

LEASE_KEY = "live:relay-leader"
LEASE_SECONDS = 5
# Set by the leader on every tick: while present, the shared cursors are where the last leader stopped
# and a new leader resumes from them. Absent means no relay ran for that long, hence nobody subscribed
# (every process with a subscriber runs a relay that would have taken the lease): start at the end
# rather than replay a backlog nobody waits for.
WARM_KEY = "live:relay-warm"
WARM_SECONDS = 60
EVENTS_CURSOR = "live-relay"
POSITIONS_CURSOR = "live-relay-positions"  # last_event_id holds a Position id (last_txid unused)

Position_ = tuple[int, int]


class Relay:
    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.started: asyncio.Event | None = None
        self.identity = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.leading = False

    async def ensure_running(self) -> None:
        """Start the relay if needed and wait until it knows where reading starts: a subscriber
        accepted before that would miss a change committed in between (the relay starts after it)."""
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.loop is not loop:
            self.loop = loop
            self.started = asyncio.Event()
            self.task = loop.create_task(self.run(), name="anxin-live-relay")
        assert self.started is not None
        await self.started.wait()

    async def run(self) -> None:
        if settings.REDIS_URL:
            await self._run_shared()
        else:
            await self._run_own()

    async def _run_own(self) -> None:
        """In-memory layer: this process's subscribers only, from the end as this relay first sees it."""
        while True:  # subscribers wait for this, so a failing read is retried, not fatal
            try:
                event_at, position_at = await database_sync_to_async(relay_start)()
                break
            except Exception:
                logger.exception("live relay: start failed; retrying")
                await asyncio.sleep(settings.ANXIN_LIVE_RELAY_INTERVAL)
        self._started()
        layer = get_channel_layer()
        assert layer is not None
        while True:
            try:
                events, event_at = await database_sync_to_async(event_messages_after)(after=event_at)
                positions, position_at = await database_sync_to_async(position_messages_after)(
                    after=position_at
                )
                await self._send(layer, [*events, *positions])
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live relay: read failed; retrying")
            await asyncio.sleep(settings.ANXIN_LIVE_RELAY_INTERVAL)

    async def _run_shared(self) -> None:
        """channels-redis: the lease holder sends for every process, from the shared cursors."""
        layer = get_channel_layer()
        assert layer is not None
        cursors: tuple[OutboxCursor, OutboxCursor] | None = None
        while True:
            try:
                if await database_sync_to_async(self._leads)():
                    if cursors is None:  # just took over: carry on where the last leader stopped
                        cursors = await database_sync_to_async(_resume)()
                    # Shielded: a relay stopped (cancelled) mid-tick still sends the batch it claimed;
                    # only a process that dies outright loses it (see tick).
                    await asyncio.shield(self.tick(layer, *cursors))
                    await database_sync_to_async(cache.set)(WARM_KEY, self.identity, WARM_SECONDS)
                    self._started()
                else:
                    cursors = None  # whoever leads now moves the shared cursors
                    # A subscriber here is served by the leader; it is safe to accept once a leader
                    # has placed the cursors (a cold start would otherwise jump past its first change).
                    if await database_sync_to_async(cache.get)(WARM_KEY) is not None:
                        self._started()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live relay: read failed; retrying")
                cursors = None  # re-read the shared cursors: another relay may have moved them
            await asyncio.sleep(settings.ANXIN_LIVE_RELAY_INTERVAL)

    async def tick(self, layer: Any, events_cursor: OutboxCursor, positions_cursor: OutboxCursor) -> None:
        """Read what follows the shared cursors, move them over it, and send it only if that move
        succeeded: a relay whose move failed lost the lead meanwhile, and the winner sends that batch."""
        events = await self._claim(events_cursor, _events_after)
        positions = await self._claim(positions_cursor, _positions_after)
        # Claimed, then sent: a relay dying (or a Redis error) in between loses this batch, which
        # pages recover from on reconnect; sending first would instead repeat it on every such race.
        await self._send(layer, [*events, *positions])

    async def _claim(
        self, cursor: OutboxCursor, read: Callable[[Position_], tuple[list[Outgoing], Position_]]
    ) -> list[Outgoing]:
        def claim() -> list[Outgoing]:
            before = (cursor.last_txid, cursor.last_event_id)
            messages, end = read(before)
            if end == before:
                return []
            if outbox_cursor_move(cursor, to=end):
                return messages
            logger.info("live relay %s: %s moved by another relay; not sending", self.identity, cursor.name)
            cursor.refresh_from_db()
            return []

        return await database_sync_to_async(claim)()

    async def _send(self, layer: Any, messages: list[Outgoing]) -> None:
        for message in messages:
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

    def _started(self) -> None:
        if self.started is not None and not self.started.is_set():
            self.started.set()

    def _leads(self) -> bool:
        leads = self._hold_lease()
        if leads != self.leading:
            logger.info("live relay %s %s the lead", self.identity, "took" if leads else "lost")
            self.leading = leads
        return leads

    def _hold_lease(self) -> bool:
        if cache.add(LEASE_KEY, self.identity, timeout=LEASE_SECONDS):
            return True
        # touch fails if the lease ran out since the get: another relay may hold it by now
        return cache.get(LEASE_KEY) == self.identity and cache.touch(LEASE_KEY, timeout=LEASE_SECONDS)


def _resume() -> tuple[OutboxCursor, OutboxCursor]:
    """The shared cursors for a relay taking the lead: where the last leader stopped while that is
    recent (``WARM_KEY``), else the current end."""
    (event_txid, event_id), position_id = relay_start()
    events, created = outbox_cursor(EVENTS_CURSOR, start=lambda: (event_txid, event_id))
    positions, _ = outbox_cursor(POSITIONS_CURSOR, start=lambda: (0, position_id))
    if not created and cache.get(WARM_KEY) is None:
        logger.info("live relay: no relay ran for %s s; starting at the end", WARM_SECONDS)
        outbox_cursor_move(events, to=(event_txid, event_id))
        outbox_cursor_move(positions, to=(0, position_id))
    events.refresh_from_db()
    positions.refresh_from_db()
    return events, positions


def _events_after(after: Position_) -> tuple[list[Outgoing], Position_]:
    return event_messages_after(after=after)


def _positions_after(after: Position_) -> tuple[list[Outgoing], Position_]:
    messages, end = position_messages_after(after=after[1])
    return messages, (0, end)


relay = Relay()
