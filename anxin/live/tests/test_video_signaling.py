"""The video signaling socket: authorized like the order's subscription, across every role boundary; the
technician publishes, the others watch; messages go only where the server addresses them; and they
cross server processes through the database when there is no Redis."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.asgi import application
from anxin.customers.models import Customer
from anxin.live.models import SignalMessage
from anxin.live.signaling import signal_store, signals_purge, video_peer_group
from anxin.live.tests.helpers import arrive_with_code
from anxin.live.tests.test_subscriptions import _cookie
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db(
    transaction=True
)  # the consumer's reads close connections (see test_subscriptions)


@pytest.fixture
def on_site(en_route_order, settings):
    settings.ANXIN_LIVE_RELAY_INTERVAL = 0.05
    order = arrive_with_code(order=en_route_order)
    owner = User.objects.create_user(username="cust", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    order.refresh_from_db()
    assert order.status == Status.ON_SITE
    return order, owner


def _path(order: WorkOrder, token: str = "") -> str:
    return f"/ws/orders/{order.number}/video/" + (f"?t={token}" if token else "")


def _hello(path: str, user: User | None = None) -> Any:
    """The hello of an accepted socket, or the close code of a refused one."""

    headers = _cookie(user)

    async def attempt() -> Any:
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, code = await communicator.connect()
        if not connected:
            # Let the refused consumer finish rather than leave it to asyncio.run's cancellation,
            # which with the Redis channel layer could wait forever (a hang seen on PostgreSQL + Redis).
            await communicator.disconnect()
            return code
        hello = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return hello

    return async_to_sync(attempt)()


def test_the_technician_publishes_and_the_customer_watches(on_site, technician):
    order, owner = on_site
    assert _hello(_path(order), technician.user)["role"] == "publisher"
    assert _hello(_path(order), owner)["role"] == "viewer"
    assert _hello(_path(order, order.tracking_token))["role"] == "viewer"


def test_the_hello_carries_the_ice_servers_and_the_consent(on_site, technician, settings):
    order, _ = on_site
    settings.ANXIN_ICE_SERVERS = [{"urls": "stun:stun.example.org:3478"}]
    hello = _hello(_path(order), technician.user)
    assert hello["ice_servers"] == [{"urls": "stun:stun.example.org:3478"}] and hello["consent"] is False


def test_every_role_boundary_is_refused(
    on_site, brand, category, technician, other_technician, other_brand, outsider
):
    order, _ = on_site
    other_customer = User.objects.create_user(username="cust2", role=Role.CUSTOMER)
    other_order = order_file(phone="13800000002", brand=brand.name, category=category.name)
    Customer.objects.filter(pk=other_order.customer_id).update(user=other_customer)
    other_staff = User.objects.create_user(username="otherstaff", role=Role.BRAND_STAFF)
    other_staff.brands.add(other_brand)
    assert _hello(_path(order), other_customer) == 4403  # another customer
    assert _hello(_path(order, "wrong-token")) == 4403  # a wrong token
    assert _hello(_path(other_order, order.tracking_token)) == 4403  # a token of another order
    assert _hello(_path(order), other_technician.user) == 4403  # a technician of another order
    assert _hello(_path(order), other_staff) == 4403  # staff out of scope
    assert _hello(_path(order), outsider) == 4403  # an outsider
    assert _hello(_path(order)) == 4403  # nobody


def test_staff_in_scope_watch_but_do_not_publish(on_site, dispatcher, brand_staff):
    order, _ = on_site
    assert _hello(_path(order), dispatcher)["role"] == "viewer"
    assert _hello(_path(order), brand_staff)["role"] == "viewer"


def test_there_is_no_video_before_arrival_nor_after_completion(en_route_order, technician):
    assert _hello(_path(en_route_order), technician.user) == 4409
    WorkOrder.objects.filter(pk=en_route_order.pk).update(status=Status.COMPLETED)
    assert _hello(_path(en_route_order, en_route_order.tracking_token)) == 4409


async def _open(path: str, headers) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def test_offer_answer_and_candidates_go_between_the_technician_and_one_viewer_only(on_site, technician):
    order, owner = on_site
    tech_headers, owner_headers = _cookie(technician.user), _cookie(owner)

    async def scenario() -> None:
        # The customer and someone else in scope wait on the page; then the technician starts
        viewer = await _open(_path(order), owner_headers)
        hello = await viewer.receive_json_from(timeout=3)
        other = await _open(_path(order, order.tracking_token), [tech_headers[0]])
        other_peer = (await other.receive_json_from(timeout=3))["peer"]
        publisher = await _open(_path(order), tech_headers)
        assert (await publisher.receive_json_from(timeout=3))["role"] == "publisher"
        for socket in (viewer, other):  # told that a technician's socket is streaming (to ask for an offer)
            announced = await socket.receive_json_from(timeout=3)
            assert announced["kind"] == "publisher"

        # The viewer says join; the technician hears it from that viewer's peer id (stamped by the server)
        await viewer.send_json_to({"kind": "join", "from": "forged"})
        joined = await publisher.receive_json_from(timeout=3)
        assert joined == {"kind": "join", "from": hello["peer"], "data": None}

        # His offer to that peer reaches that viewer, not the other one
        await publisher.send_json_to(
            {"kind": "offer", "to": hello["peer"], "data": {"type": "offer", "sdp": "v=0"}}
        )
        offer = await viewer.receive_json_from(timeout=3)
        assert offer["kind"] == "offer" and offer["data"]["sdp"] == "v=0" and offer["from"] == "publisher"
        assert offer["session"] == announced["session"]
        assert await other.receive_nothing(timeout=0.5)

        # The answer goes back to him only
        await viewer.send_json_to({"kind": "answer", "data": {"type": "answer", "sdp": "v=0"}})
        answer = await publisher.receive_json_from(timeout=3)
        assert answer["kind"] == "answer" and answer["from"] == hello["peer"]

        # A viewer cannot send an offer or address another viewer: nothing arrives anywhere
        await viewer.send_json_to({"kind": "offer", "to": other_peer, "data": {"sdp": "x"}})
        assert await other.receive_nothing(timeout=0.5)
        assert await publisher.receive_nothing(timeout=0.2)

        # The viewer leaves: the technician hears it and can close that peer connection
        await viewer.disconnect()
        left = await publisher.receive_json_from(timeout=3)
        assert left == {"kind": "leave", "from": hello["peer"]}
        await other.disconnect()
        await publisher.disconnect()

    async_to_sync(scenario)()


def test_a_message_written_by_another_server_process_reaches_the_socket_here(on_site, technician, settings):
    """Without Redis, the technician's socket may be in another process: what it sends is a row that
    every process's signal relay reads and delivers to its own sockets."""
    settings.REDIS_URL = ""  # the database path, whatever layer this run uses
    order, owner = on_site
    headers = _cookie(owner)

    async def scenario() -> None:
        viewer = await _open(_path(order), headers)
        peer = (await viewer.receive_json_from(timeout=3))["peer"]
        # "Another process": nothing but the row, written outside this process's channel layer
        await database_sync_to_async(signal_store)(
            group=video_peer_group(order.pk, peer),
            payload={"kind": "offer", "from": "publisher", "data": "sdp"},
        )
        assert (await viewer.receive_json_from(timeout=3))["data"] == "sdp"
        await viewer.disconnect()

    async_to_sync(scenario)()


def test_signaling_rows_are_encrypted_and_purged_after_a_minute(on_site):
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    order, _ = on_site
    row = signal_store(group="g", payload={"kind": "ice", "data": "candidate:1 1 udp 2122260223 192.168.1.7"})
    with connection.cursor() as cursor:
        cursor.execute("select payload from live_signalmessage where id = %s", [row.pk])
        assert "192.168" not in cursor.fetchone()[0]
    assert signals_purge(now=timezone.now() + dt.timedelta(seconds=30)) == 0
    assert signals_purge(now=timezone.now() + dt.timedelta(seconds=61)) == 1
    assert not SignalMessage.objects.exists()


def test_a_row_committed_late_with_a_smaller_id_is_still_delivered_once(on_site):
    """Two processes write at once: the row with the smaller id becomes visible last."""
    from anxin.live.signaling import signals_recent

    first = signal_store(group="g", payload={"n": 1})
    late = signal_store(group="g", payload={"n": 2})
    SignalMessage.objects.filter(pk=late.pk).update(id=first.pk + 100)  # stands for "seen first"
    early = SignalMessage.objects.get(pk=first.pk)
    early.delete()  # not visible yet ...
    messages, seen = signals_recent(start=0, seen=frozenset())
    assert [m[1]["n"] for m in messages] == [2]
    early.save()  # ... committed now, with its smaller id
    messages, seen = signals_recent(start=0, seen=seen)
    assert [m[1]["n"] for m in messages] == [1]
    assert signals_recent(start=0, seen=seen)[0] == []  # delivered once
