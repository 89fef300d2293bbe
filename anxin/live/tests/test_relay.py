"""The relay reads what web requests and workers recorded and pushes it to the order's subscribers."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from anxin.asgi import application
from anxin.live.relay import relay
from anxin.live.tests.helpers import arrive_with_code
from anxin.network.services import technician_location_update

# The consumer reads through database_sync_to_async, which closes "old" connections: on PostgreSQL
# that would close the test transaction's connection, so these tests commit (SQLite in-memory never closes).
pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://testserver")]


def test_a_subscriber_gets_positions_while_en_route_then_the_arrival(en_route_order, technician, settings):
    settings.ANXIN_LIVE_RELAY_INTERVAL = 0.05
    settings.ANXIN_LIVE_POSITION_MIN_INTERVAL_S = 0
    order = en_route_order
    path = f"/ws/orders/{order.number}/?t={order.tracking_token}"

    async def scenario() -> list[dict]:
        relay.task = None  # a fresh relay on this test's loop, starting at the current end
        socket = WebsocketCommunicator(application, path, headers=HEADERS)
        assert (await socket.connect())[0]
        received = [await socket.receive_json_from(timeout=3)]
        await _sync(lambda: technician_location_update(
            technician=technician, latitude=39.80, longitude=116.30, at=timezone.now()
        ))  # fmt: skip
        received.append(await socket.receive_json_from(timeout=3))
        await _sync(lambda: arrive_with_code(order=order, actor=technician.user))
        received.append(await socket.receive_json_from(timeout=3))
        await _sync(lambda: technician_location_update(
            technician=technician, latitude=39.85, longitude=116.35, at=timezone.now() + dt.timedelta(minutes=1)
        ))  # fmt: skip
        assert await socket.receive_nothing(timeout=0.3)  # on site: positions are no longer sent
        await socket.disconnect()
        assert relay.task is not None
        relay.task.cancel()
        return received

    hello, position, arrived = async_to_sync(scenario)()
    assert hello["kind"] == "hello" and hello["status"] == "en_route"
    assert position["kind"] == "position" and position["eta_minutes"] >= 1
    assert any(m["kind"] == "technician" for m in position["map"]["markers"])
    assert (arrived["kind"], arrived["event"], arrived["status"]) == ("event", "arrive", "on_site")


async def _sync(fn):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(fn)()


def test_the_socket_opens_only_once_the_relay_knows_where_it_starts_reading(
    en_route_order, technician, settings, monkeypatch
):
    """The relay reads what comes after the end it sees when it starts. Were the socket accepted before
    that, a change committed meanwhile by another request's thread would be skipped (found by the browser
    test under load); so the subscriber waits for the relay's start, then the change reaches it."""
    import time

    from anxin.live import relay as relay_module

    settings.ANXIN_LIVE_RELAY_INTERVAL = 0.05
    real_start = relay_module.relay_start
    read: list[tuple] = []

    def slow_start():
        time.sleep(0.3)  # a loaded machine: the start position is read late
        read.append(real_start())
        return read[-1]

    monkeypatch.setattr(relay_module, "relay_start", slow_start)
    order = en_route_order
    path = f"/ws/orders/{order.number}/?t={order.tracking_token}"

    async def scenario() -> tuple[int, dict]:
        relay.task = None
        socket = WebsocketCommunicator(application, path, headers=HEADERS)
        assert (await socket.connect(timeout=3))[0]
        await socket.receive_json_from(timeout=3)  # hello
        starts_read_when_open = len(read)
        await _sync(lambda: arrive_with_code(order=order, actor=technician.user))
        message = await socket.receive_json_from(timeout=3)
        await socket.disconnect()
        assert relay.task is not None
        relay.task.cancel()
        return starts_read_when_open, message

    starts_read_when_open, arrived = async_to_sync(scenario)()
    assert starts_read_when_open == 1
    assert (arrived["kind"], arrived["event"], arrived["status"]) == ("event", "arrive", "on_site")
