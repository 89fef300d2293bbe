"""Dispatch actions in the permission table: the board, offers, reassignment, pins, slots, live status.

Dispatchers work across the whole network (accounts have no service-point membership yet), so their
grants are ALL; a technician answers only his own offers and sets only his own status.
"""

from __future__ import annotations

from typing import Any

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import Scope, action_declare
from anxin.workorders.permissions import order_in_scope

D, ADM, A, T, C = Role.DISPATCHER, Role.ADMIN, Role.AGENT, Role.TECHNICIAN, Role.CUSTOMER
ALL, OWN = Scope.ALL, Scope.OWN
FIELD: dict[str, Scope] = {D: ALL, ADM: ALL}


def technician_is_user(user: User, scope: Scope, obj: Any) -> bool:
    """OWN for an offer or a technician record: it is the signed-in technician's."""
    technician = getattr(obj, "technician", obj)
    return scope == Scope.ALL or technician.user_id == user.pk


BOARD = action_declare("dispatch.board", "use the dispatch board", FIELD)
REASSIGN = action_declare("dispatch.reassign", "reassign an order to another technician", FIELD)
PIN = action_declare("dispatch.pin", "pin or unpin an order to its technician", FIELD)
SUGGESTIONS = action_declare(
    "dispatch.suggestions", "see the offers and suggested technicians of an order", {**FIELD, A: ALL}
)
OFFER_ANSWER = action_declare(
    "dispatch.offer_answer", "accept or decline a dispatch offer", {T: OWN}, in_scope=technician_is_user
)
TECHNICIAN_STATUS = action_declare(
    "dispatch.technician_status",
    "set a technician's live status (available, off, late)",
    {**FIELD, T: OWN},
    in_scope=technician_is_user,
)
# The anonymous customer books through the tracking link's secret token instead (no user).
SLOT_BOOK = action_declare(
    "dispatch.slot_book", "book a visit window", {**FIELD, A: ALL, C: OWN}, in_scope=order_in_scope
)
