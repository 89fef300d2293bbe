"""Test helpers: the technician at the door, entering the code the customer tells him."""

from __future__ import annotations

from typing import Any

from anxin.accounts.models import User
from anxin.live.services import arrival_code_for, arrival_confirm
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition


def arrive_with_code(*, order: WorkOrder, actor: User | None = None) -> WorkOrder:
    """Record ARRIVE as on the phone: with the customer's right arrival code (actor: the order's technician
    unless given)."""
    if actor is None:
        assert order.technician is not None, "arriving needs the order's technician"
        actor = order.technician.user
    return arrival_confirm(order=order, code=arrival_code_for(order=order).code, actor=actor)


def transition(*, order: WorkOrder, event: str, actor: User | None, **kwargs: Any) -> WorkOrder:
    """``workorder_transition``, except that ARRIVE goes through the arrival code like every real path."""
    if event == Event.ARRIVE:
        return arrive_with_code(order=order, actor=actor)
    return workorder_transition(order=order, event=event, actor=actor, **kwargs)
