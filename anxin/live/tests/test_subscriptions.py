"""Every subscription is authorized exactly like the page; tested over the socket, refused and allowed."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.asgi import application
from anxin.customers.models import Customer
from anxin.workorders.tests.factories import order_file

# The consumer reads through database_sync_to_async, which closes "old" connections: on PostgreSQL
# that would close the test transaction's connection, so these tests commit (SQLite in-memory never closes).
pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")


def _cookie(user: User | None) -> list[tuple[bytes, bytes]]:
    if user is None:
        return [ORIGIN]
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode())]


def _connects(path: str, user: User | None = None, headers: list[tuple[bytes, bytes]] | None = None) -> bool:
    headers = headers or _cookie(user)

    async def attempt() -> bool:
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, _ = await communicator.connect()
        if connected:
            hello = await communicator.receive_json_from(timeout=3)
            assert hello["kind"] == "hello"
        await communicator.disconnect()
        return connected

    return async_to_sync(attempt)()


@pytest.fixture
def owned_order(en_route_order):
    owner = User.objects.create_user(username="cust", role=Role.CUSTOMER)
    Customer.objects.filter(pk=en_route_order.customer_id).update(user=owner)
    en_route_order.refresh_from_db()
    return en_route_order, owner


def test_the_tracking_token_opens_the_order_and_a_wrong_token_does_not(en_route_order):
    base = f"/ws/orders/{en_route_order.number}/"
    assert _connects(f"{base}?t={en_route_order.tracking_token}")
    assert not _connects(f"{base}?t=wrong-token")
    assert not _connects(base)  # anonymous, no token


def test_a_token_opens_only_its_own_order(en_route_order, brand, category):
    other = order_file(phone="13800000002", brand=brand.name, category=category.name)
    assert not _connects(f"/ws/orders/{other.number}/?t={en_route_order.tracking_token}")


def test_a_signed_in_customer_follows_their_order_and_not_another_customers(owned_order, brand, category):
    order, owner = owned_order
    stranger = User.objects.create_user(username="cust2", role=Role.CUSTOMER)
    assert _connects(f"/ws/orders/{order.number}/", owner)
    assert not _connects(f"/ws/orders/{order.number}/", stranger)


def test_staff_follow_orders_in_their_scope_only(
    en_route_order, dispatcher, brand_staff, other_brand, outsider
):
    path = f"/ws/orders/{en_route_order.number}/"
    assert _connects(path, dispatcher)
    assert _connects(path, brand_staff)
    other_staff = User.objects.create_user(username="otherstaff", role=Role.BRAND_STAFF)
    other_staff.brands.add(other_brand)
    assert not _connects(path, other_staff)
    assert not _connects(path, outsider)


def test_the_technician_follows_his_own_order_not_a_colleagues(en_route_order, technician, other_technician):
    path = f"/ws/orders/{en_route_order.number}/"
    assert _connects(path, technician.user)
    assert not _connects(path, other_technician.user)


def test_the_board_stream_is_for_staff_and_technicians_not_customers(
    owned_order, dispatcher, technician, outsider
):
    _, owner = owned_order
    assert _connects("/ws/board/", dispatcher)
    assert _connects("/ws/board/", technician.user)
    assert not _connects("/ws/board/", owner)
    assert not _connects("/ws/board/", outsider)
    assert not _connects("/ws/board/")


def test_a_socket_from_another_site_is_refused_even_with_the_session(en_route_order, dispatcher):
    headers = [(b"origin", b"http://evil.example")] + _cookie(dispatcher)[1:]
    assert not _connects(f"/ws/orders/{en_route_order.number}/", headers=headers)


def test_the_hello_carries_the_orders_status_so_a_reconnecting_page_catches_up(en_route_order):
    """A change made while the page was not connected is shown from the hello, not lost until the next one."""

    async def hello() -> dict:
        communicator = WebsocketCommunicator(
            application,
            f"/ws/orders/{en_route_order.number}/?t={en_route_order.tracking_token}",
            headers=[ORIGIN],
        )
        connected, _ = await communicator.connect()
        assert connected
        message = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return message

    message = async_to_sync(hello)()
    assert message["kind"] == "hello"
    assert message["status"] == "en_route"
    assert message["status_label"] and message["awaiting_approval"] is False
