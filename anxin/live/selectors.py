"""Reads of the live view, scoped like the order pages (workorders.selectors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from anxin.accounts.choices import OPERATIONS_ROLES, Role
from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.core.exceptions import NotFound
from anxin.core.models import OutboxCursor
from anxin.core.outbox import outbox_unread
from anxin.dispatch.selectors import tracking_map
from anxin.live.models import ArrivalAlert, CallBinding, Position
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.selectors import workorder_get_by_tracking, workorder_get_for, workorder_visible_to

# --- who may subscribe to what ------------------------------------------------------------------


def subscription_order(*, actor: User | AnonymousUser, number: str, token: str) -> WorkOrder | None:
    """The order a socket may follow: by the tracking link's token, else in the signed-in user's scope
    (exactly the pages' reads); None when neither lets him see it."""
    try:
        if token:
            return workorder_get_by_tracking(number=number, token=token)
        if isinstance(actor, User):
            return workorder_get_for(actor=actor, number=number)
    except NotFound:
        return None
    return None


def subscription_groups_for_staff(*, actor: User | AnonymousUser) -> list[str]:
    """The board's and the technician's page's groups: every order they may see changes there."""
    if not isinstance(actor, User) or not actor.is_authenticated or not actor.is_active:
        return []
    role = role_of(actor)
    if role in OPERATIONS_ROLES:
        return [BOARD_ALL]
    if role == Role.BRAND_STAFF:
        return [brand_group(brand_id) for brand_id in actor.brands.values_list("pk", flat=True)]
    technician = getattr(actor, "technician", None)
    if role == Role.TECHNICIAN and technician is not None:
        return [technician_group(technician.pk)]
    return []


BOARD_ALL = "live.board"


def order_group(order_id: int) -> str:
    return f"live.order.{order_id}"


def brand_group(brand_id: int) -> str:
    return f"live.brand.{brand_id}"


def technician_group(technician_id: int) -> str:
    return f"live.technician.{technician_id}"


# --- what the relay reads -----------------------------------------------------------------------

Position_ = tuple[int, int]


def relay_start() -> tuple[Position_, int]:
    """Where a new relay starts: after the last event and the last position (it reports what is new)."""
    last_event = WorkOrderEvent.objects.order_by("-txid", "-id").values_list("txid", "id").first() or (0, 0)
    last_position = Position.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return last_event, last_position


@dataclass(frozen=True)
class Outgoing:
    groups: list[str]
    payload: dict[str, Any]


def event_messages_after(*, after: Position_, limit: int = 500) -> tuple[list[Outgoing], Position_]:
    """The timeline rows after ``after`` as messages for their order's, board's and technician's groups."""
    cursor = OutboxCursor(last_txid=after[0], last_event_id=after[1])
    rows = list(
        outbox_unread(cursor, WorkOrderEvent.objects.all()).values(
            "txid", "id", "event", "to_status", "created_at", "order_id", "order__number", "order__status",
            "order__brand_id", "order__technician_id",
        )[:limit]
    )  # fmt: skip
    messages = []
    for row in rows:
        groups = [order_group(row["order_id"]), BOARD_ALL]
        if row["order__brand_id"]:
            groups.append(brand_group(row["order__brand_id"]))
        if row["order__technician_id"]:
            groups.append(technician_group(row["order__technician_id"]))
        status = row["order__status"]
        payload = {
            "kind": "event",
            "number": row["order__number"],
            "event": row["event"],
            "event_label": str(Event(row["event"]).label),
            "status": status,
            "status_label": str(Status(status).label),
            "awaiting_approval": status == Status.AWAITING_APPROVAL,
            "at": row["created_at"].isoformat(),
        }
        messages.append(Outgoing(groups, payload))
    end = (rows[-1]["txid"], rows[-1]["id"]) if rows else after
    return messages, end


def position_messages_after(*, after: int, limit: int = 500) -> tuple[list[Outgoing], int]:
    """New positions of technicians en route, for their order's group only (customer + staff in scope).

    The map is the customer page's map (``tracking_map``: rounded to ~1 km, the order at its area's
    centre); a position of an order no longer en route is not sent (it arrived, or was cancelled).
    """
    rows = list(
        Position.objects.filter(id__gt=after)
        .select_related("order__technician", "order__service_point")
        .order_by("id")[:limit]
    )
    latest: dict[int, Position] = {}
    for position in rows:  # a burst of positions: only the newest of each order is worth drawing
        latest[position.order_id] = position
    messages = []
    for position in latest.values():
        order = position.order
        if order.status != Status.EN_ROUTE:
            continue
        spec = tracking_map(order=order)
        payload = {
            "kind": "position",
            "number": order.number,
            "eta_minutes": None if position.eta_seconds is None else max(1, round(position.eta_seconds / 60)),
            "map": spec.as_dict() if spec is not None else None,
            "at": position.recorded_at.isoformat(),
        }
        messages.append(Outgoing([order_group(order.pk)], payload))
    return messages, (rows[-1].pk if rows else after)


# --- what pages show ----------------------------------------------------------------------------


def latest_eta_minutes(*, order: WorkOrder) -> int | None:
    if order.status != Status.EN_ROUTE:
        return None
    eta = order.live_positions.order_by("-recorded_at").values_list("eta_seconds", flat=True).first()
    return None if eta is None else max(1, round(eta / 60))


def call_number_for(*, order: WorkOrder) -> str:
    """The virtual number both sides dial for this order, '' when none is bound."""
    binding = CallBinding.objects.filter(order=order, released_at__isnull=True).first()
    return binding.virtual_number if binding is not None else ""


def arrival_alerts_open_for(*, actor: User) -> QuerySet[ArrivalAlert]:
    """Open wrong-code alerts on orders the viewer may see (the dispatcher board), newest first."""
    return (
        ArrivalAlert.objects.filter(resolved_at__isnull=True, order__in=workorder_visible_to(actor=actor))
        .select_related("order", "technician__user")
        .order_by("-created_at")
    )


def positions_of(*, order: WorkOrder, since: dt.datetime | None = None) -> QuerySet[Position]:
    since = since or timezone.now() - dt.timedelta(days=1)
    return Position.objects.filter(order=order, recorded_at__gte=since).order_by("recorded_at")
