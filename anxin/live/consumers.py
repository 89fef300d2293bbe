"""WebSocket subscriptions: one order (customer and staff pages), or every order of a board or a phone.

Authorization is the pages' own: the order comes from the same scoped selectors as the page, by the
tracking link's token or the signed-in session; anything else is refused before the socket opens
(close code 4403). Messages are pushed by the relay (relay.py); clients only listen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from anxin.live.relay import relay
from anxin.live.selectors import order_group, subscription_groups_for_staff, subscription_order

REFUSED = 4403


class _Subscription(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def subscribe(self, groups: list[str], hello: dict[str, Any]) -> None:
        if not groups:
            await self.close(code=REFUSED)
            return
        self.groups_joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await relay.ensure_running()
        await self.accept()
        await self.send_json({"kind": "hello", **hello})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        pass  # one-way: the page never sends anything that changes data over the socket

    async def live_message(self, message: dict[str, Any]) -> None:
        await self.send_json(message["payload"])


class OrderConsumer(_Subscription):
    """``/ws/orders/<number>/?t=<token>``: one order, for its customer and staff in scope."""

    async def connect(self) -> None:
        number = self.scope["url_route"]["kwargs"]["number"]
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("t", [""])[0]
        order = await database_sync_to_async(subscription_order)(
            actor=self.scope.get("user"), number=number, token=token
        )
        if order is None:
            await self.close(code=REFUSED)
            return
        await self.subscribe([order_group(order.pk)], {"number": order.number, "status": order.status})


class BoardConsumer(_Subscription):
    """``/ws/board/``: every order change in the viewer's scope (dispatcher board, technician's page)."""

    async def connect(self) -> None:
        groups = await database_sync_to_async(subscription_groups_for_staff)(actor=self.scope.get("user"))
        await self.subscribe(groups, {})
