"""WebSocket subscriptions: one order (customer and staff pages), or every order of a board or a phone.

Authorization is the pages' own: the order comes from the same scoped selectors as the page, by the
tracking link's token or the signed-in session; anything else is refused before the socket opens
(close code 4403). Messages are pushed by the relay (relay.py); clients only listen.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from anxin.live.relay import relay
from anxin.live.selectors import order_group, subscription_groups_for_staff, subscription_order
from anxin.live.signaling import (
    signal_relay,
    signal_send,
    video_peer_group,
    video_publisher_group,
    video_viewers_group,
)
from anxin.live.video import consent_granted, video_access, video_live
from anxin.workorders.choices import Status

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
        # The state as of now, so a page that (re)connects catches up on a change it missed meanwhile.
        hello = {
            "number": order.number,
            "status": order.status,
            "status_label": str(Status(order.status).label),
            "awaiting_approval": order.status == Status.AWAITING_APPROVAL,
        }
        await self.subscribe([order_group(order.pk)], hello)


class BoardConsumer(_Subscription):
    """``/ws/board/``: every order change in the viewer's scope (dispatcher board, technician's page)."""

    async def connect(self) -> None:
        groups = await database_sync_to_async(subscription_groups_for_staff)(actor=self.scope.get("user"))
        await self.subscribe(groups, {})


NOT_LIVE = 4409  # the order is not in a state with a live video (before arrival, after completion)
SIGNAL_KINDS_FROM_PUBLISHER = frozenset({"offer", "ice", "recording"})
SIGNAL_KINDS_FROM_VIEWER = frozenset({"join", "answer", "ice"})
MAX_SIGNAL_CHARS = 64 * 1024  # an SDP is a few kB; anything larger is not signaling


class VideoConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/orders/<number>/video/?t=<token>``: WebRTC signaling of the visit's live video.

    Authorized like ``OrderConsumer``; the order's technician publishes, every other socket it lets in
    watches (one peer connection per viewer, offered by the technician's page). The server stamps who a
    message is from and addresses it itself: a viewer can only talk to the technician, the technician
    only to viewers of this order. Nothing here is stored beyond the relay's minute (signaling.py).
    """

    order_id: int
    peer: str
    publisher: bool

    async def connect(self) -> None:
        number = self.scope["url_route"]["kwargs"]["number"]
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("t", [""])[0]
        access = await database_sync_to_async(video_access)(
            actor=self.scope.get("user"), number=number, token=token
        )
        if access is None:
            await self.close(code=REFUSED)
            return
        if not video_live(access.order):
            await self.close(code=NOT_LIVE)
            return
        self.order_id, self.publisher, self.peer = access.order.pk, access.publisher, uuid.uuid4().hex
        own = video_publisher_group(self.order_id) if self.publisher else video_viewers_group(self.order_id)
        self.groups_joined = [own, video_peer_group(self.order_id, self.peer)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await signal_relay.ensure_running()
        await self.accept()
        consent = await database_sync_to_async(consent_granted)(order=access.order)
        await self.send_json(
            {
                "kind": "hello",
                "role": "publisher" if self.publisher else "viewer",
                "peer": self.peer,
                "ice_servers": settings.ANXIN_ICE_SERVERS,
                "consent": consent is not None,
            }
        )
        if self.publisher:  # viewers already waiting answer with "join"
            await signal_send(video_viewers_group(self.order_id), {"kind": "publisher", "session": self.peer})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if not hasattr(self, "peer"):
            return
        if self.publisher:
            await signal_send(video_viewers_group(self.order_id), {"kind": "publisher-left"})
        else:
            await signal_send(video_publisher_group(self.order_id), {"kind": "leave", "from": self.peer})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or len(json.dumps(content)) > MAX_SIGNAL_CHARS:
            return
        kind = content.get("kind")
        data = content.get("data")
        if self.publisher:
            to = content.get("to")
            if kind not in SIGNAL_KINDS_FROM_PUBLISHER or not isinstance(to, str) or not to.isalnum():
                return
            target = (
                video_viewers_group(self.order_id) if to == "all" else video_peer_group(self.order_id, to)
            )
            await signal_send(target, {"kind": kind, "from": "publisher", "session": self.peer, "data": data})
        elif kind in SIGNAL_KINDS_FROM_VIEWER:
            await signal_send(
                video_publisher_group(self.order_id), {"kind": kind, "from": self.peer, "data": data}
            )

    async def video_signal(self, message: dict[str, Any]) -> None:
        await self.send_json(message["payload"])
