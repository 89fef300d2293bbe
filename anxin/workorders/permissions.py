"""Work-order actions in the permission table: every state-machine event, reveal, contact, edit.

The service company's split: the hotline agent takes and closes the customer's case, the dispatcher
runs the field work (and may record any step on a technician's behalf), the technician works only his
own visits, the customer answers a quote or cancels early, brand staff read their brands' orders.
"""

from __future__ import annotations

from typing import Any

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import (
    ADM,
    ALL,
    BRAND,
    BS,
    OWN,
    A,
    Action,
    C,
    D,
    Scope,
    T,
    action_declare,
    role_of,
)


def order_in_scope(user: User, scope: Scope, order: Any) -> bool:
    """OWN: the technician assigned to the order, or the customer it belongs to; BRAND: staff's brands."""
    if scope == Scope.ALL:
        return True
    if scope == Scope.BRAND:
        return user.brands.filter(pk=order.brand_id).exists()
    if role_of(user) == Role.TECHNICIAN:
        return order.technician is not None and order.technician.user_id == user.pk
    customer = getattr(user, "customer", None)
    return customer is not None and order.customer_id == customer.pk


def _declare(key: str, label: str, grants: dict[str, Scope]) -> Action:
    return action_declare(f"workorders.{key}", label, grants, in_scope=order_in_scope)


OFFICE: dict[str, Scope] = {A: ALL, D: ALL, ADM: ALL}  # the customer's case: agents and up
FIELD: dict[str, Scope] = {D: ALL, ADM: ALL}  # running the field work
# The technician's own visit, or a dispatcher on his behalf.
VISIT: dict[str, Scope] = {T: OWN, D: ALL, ADM: ALL}

# One action per event of the state machine (workorders.choices.TRANSITION_EVENTS), keyed by event.
TRANSITIONS: dict[str, Action] = {
    "accept": _declare("accept", "confirm an order", OFFICE),
    "dispatch": _declare("dispatch", "dispatch an order to a technician", FIELD),
    "technician_accept": _declare("technician_accept", "accept a job", VISIT),
    "technician_decline": _declare("technician_decline", "decline a job", VISIT),
    "withdraw": _declare("withdraw", "withdraw a job from a technician", FIELD),
    "depart": _declare("depart", "set off to the customer", VISIT),
    "arrive": _declare("arrive", "arrive on site", VISIT),
    "diagnose": _declare("diagnose", "record the diagnosis", VISIT),
    "request_approval": _declare("request_approval", "send the customer a quote", VISIT),
    "start_repair": _declare("start_repair", "start the repair", {**VISIT, C: OWN}),
    "complete": _declare("complete", "complete the visit", {**VISIT, C: OWN}),
    "follow_up": _declare("follow_up", "record the follow-up call", OFFICE),
    "close": _declare("close", "close an order", OFFICE),
    "cancel": _declare("cancel", "cancel an order", {**OFFICE, C: OWN}),
    "reopen": _declare("reopen", "reopen an order", OFFICE),
}
REVEAL = _declare(
    "reveal_personal_data", "see a customer's full name, phone or address (audited)", {**OFFICE, T: OWN}
)
RECORD_CONTACT = _declare("record_contact", "record that the customer was contacted", {**OFFICE, T: OWN})
# No service yet: the order-correction form of issue #11 will require it.
EDIT = _declare("edit", "correct an order's contact, product, fault or appointment", OFFICE)
# The staff list as a spreadsheet (masked); rows stay inside the viewer's scope (brand staff: their brands).
EXPORT = _declare("export", "export the order list as CSV (personal data masked)", {**OFFICE, BS: BRAND})
