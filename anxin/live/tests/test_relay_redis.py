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
from channels_redis.core import RedisChannelLayer

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

    async def scenario() -> list[str]:
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
