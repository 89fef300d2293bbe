"""The channel layer on a real Redis (127.0.0.1:6379, db 14): a subscriber's socket survives quiet periods.

Found by bench/realtime.py with ``--redis`` (a subscriber or two per run received no change at all): its
consumer died with ``redis.exceptions.TimeoutError`` while the order was quiet. channels-redis reads a
process's messages with BZPOPMIN blocking ``brpop_timeout`` (5 s); redis-py 8 reads every reply with a 5 s
socket timeout by default (redis/redis-py#4091), so when nothing came for 5 s the two timeouts raced and
the read failed in the consumer holding it, which closed that subscriber's socket.
"""

from __future__ import annotations

import asyncio
import os
import socket

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer  # type: ignore[import-untyped]

from anxin.settings import redis_channel_layer

REDIS_URL = os.environ.get("ANXIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379")


def _layer(prefix: str) -> RedisChannelLayer:
    layer = redis_channel_layer(REDIS_URL, prefix)
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    return RedisChannelLayer(**layer["CONFIG"])


def test_a_subscriber_waiting_through_quiet_periods_still_gets_the_next_message():
    """Two quiet stretches longer than channels-redis's 5 s block, each ended by a group message: the
    waiting receive gets every message instead of failing on the read timeout."""

    async def scenario() -> list[int]:
        layer = _layer(f"test-quiet-{os.getpid()}")
        channel = await layer.new_channel()
        await layer.group_add("live.order.1", channel)
        got = []
        try:
            for n in range(2):
                waiting = asyncio.create_task(layer.receive(channel))
                await asyncio.sleep(layer.brpop_timeout + 1.5)  # nothing arrives meanwhile
                await layer.group_send("live.order.1", {"type": "live.message", "payload": {"n": n}})
                message = await asyncio.wait_for(waiting, timeout=5)
                got.append(message["payload"]["n"])
        finally:
            await layer.group_discard("live.order.1", channel)
            await layer.flush()
        return got

    assert async_to_sync(scenario)() == [0, 1]


# --- the relay's lease changing hands in the middle of a burst --------------------------------------


@pytest.fixture
def shared_relays(settings, monkeypatch, transactional_db):
    """Two relays as in two server processes on one Redis (db 14): the shared cache holding the lease,
    the channels-redis layer, a 1 s lease and a fast poll. Yields (layer, make_relay)."""
    from anxin.live import relay as relay_module

    prefix = f"test-relay-{os.getpid()}-{os.urandom(3).hex()}"
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }  # fmt: skip
    settings.ANXIN_LIVE_RELAY_INTERVAL = 0.05
    monkeypatch.setattr(relay_module, "LEASE_SECONDS", 1)
    layer = _layer(prefix)
    monkeypatch.setattr(relay_module, "get_channel_layer", lambda: layer)
    yield layer, relay_module.Relay
    from django.core.cache import cache

    # Not cache.clear(): on Redis that is FLUSHDB, everything else on the database too.
    cache.delete_many([relay_module.LEASE_KEY, relay_module.WARM_KEY])


def _burst(*, order, dispatcher, technician, layer, relays, changes, during) -> tuple[list[str], list[str]]:
    """Start ``relays`` (the first leads), subscribe to the order, change its status ``changes`` times
    (dispatch ↔ withdraw, one every 0.1 s) calling ``during(n, relays)`` before change n; returns (the
    events' times as the subscriber received them, the events' times in the database)."""
    from channels.db import database_sync_to_async

    from anxin.live.selectors import order_group
    from anxin.workorders.choices import Event, Status
    from anxin.workorders.services import workorder_transition

    def change() -> None:
        order.refresh_from_db()
        if order.status == Status.ACCEPTED:
            workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
        else:
            workorder_transition(order=order, event=Event.WITHDRAW, actor=dispatcher)

    def events_since(first_id: int) -> list[str]:
        return [
            at.isoformat() for at in order.events.filter(id__gt=first_id).values_list("created_at", flat=True)
        ]

    async def scenario() -> tuple[list[str], list[str]]:
        channel = await layer.new_channel()
        group = order_group(order.pk)
        await layer.group_add(group, channel)
        received: list[str] = []

        async def collect() -> None:
            while True:
                message = await layer.receive(channel)
                if message["payload"]["kind"] == "event":
                    received.append(message["payload"]["at"])

        collector = asyncio.create_task(collect())
        try:
            for relay in relays:
                await asyncio.wait_for(relay.ensure_running(), timeout=10)
            first_id = await database_sync_to_async(
                lambda: order.events.order_by("-id").values_list("id", flat=True).first()
            )()
            for n in range(changes):
                await during(n, relays)
                await database_sync_to_async(change)()
                await asyncio.sleep(0.1)
            expected = await database_sync_to_async(events_since)(first_id)
            for _ in range(100):  # up to 5 s for the last ones
                if len(received) >= len(expected):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # a duplicate would arrive meanwhile
            return received, expected
        finally:
            collector.cancel()
            for relay in relays:
                if relay.task is not None:
                    relay.task.cancel()
            await asyncio.gather(collector, *(r.task for r in relays if r.task), return_exceptions=True)
            await layer.group_discard(group, channel)
            await layer.flush()

    return async_to_sync(scenario)()


@pytest.fixture
def accepted_order(brand, category, dispatcher):
    from anxin.workorders.choices import Event
    from anxin.workorders.services import workorder_transition
    from anxin.workorders.tests.factories import order_file

    order = order_file(brand=brand.name, category=category.name)
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    order.refresh_from_db()
    return order


def test_when_the_leading_relay_dies_mid_burst_the_next_one_sends_every_change_exactly_once(
    shared_relays, accepted_order, dispatcher, technician
):
    """The leader's process dies after 8 changes; its lease runs out a second later and the other relay
    takes over. It carries on from where the dead one stopped (the shared cursor), not from the end it
    last saw while standing by: the changes made while nobody led are sent late, not skipped."""
    layer, Relay = shared_relays

    async def kill_the_leader(n, relays):
        if n == 8:
            assert relays[0].leading and not relays[1].leading
            relays[0].task.cancel()

    received, expected = _burst(
        order=accepted_order, dispatcher=dispatcher, technician=technician, layer=layer,
        relays=[Relay(), Relay()], changes=24, during=kill_the_leader,
    )  # fmt: skip
    assert len(expected) >= 24
    assert received == expected


def test_a_stalled_leader_and_its_successor_neither_skip_nor_repeat_a_change(
    shared_relays, accepted_order, dispatcher, technician
):
    """The leader stalls for longer than its lease (a loaded machine) just after checking that it leads;
    the other relay takes over meanwhile. When the stalled one wakes up and reads, both believe they lead
    for a moment: only the one that moves the shared cursor over a batch sends it."""
    layer, Relay = shared_relays
    stalled = Relay()
    real_tick = stalled.tick

    async def tick_after_a_stall(*args, **kwargs):
        if stalled.stall:
            stalled.stall = False
            await asyncio.sleep(1.6)  # > the 1 s lease: the other relay leads by the time this reads
        return await real_tick(*args, **kwargs)

    stalled.stall = False
    stalled.tick = tick_after_a_stall

    async def stall_the_leader(n, relays):
        if n == 8:
            assert relays[0].leading and not relays[1].leading
            stalled.stall = True

    received, expected = _burst(
        order=accepted_order, dispatcher=dispatcher, technician=technician, layer=layer,
        relays=[stalled, Relay()], changes=30, during=stall_the_leader,
    )  # fmt: skip
    assert len(expected) >= 30
    assert received == expected
