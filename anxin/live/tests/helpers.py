"""Test helpers: the technician at the door, entering the code the customer tells him."""

from __future__ import annotations

from anxin.accounts.models import User
from anxin.live.services import arrival_code_for, arrival_confirm
from anxin.workorders.models import WorkOrder


def arrive_with_code(*, order: WorkOrder, actor: User) -> WorkOrder:
    """Record ARRIVE as the technician does: with the customer's right arrival code."""
    return arrival_confirm(order=order, code=arrival_code_for(order=order).code, actor=actor)
