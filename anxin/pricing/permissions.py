"""Pricing actions in the permission table.

The technician of the order builds and sends the quote and records the payment (a dispatcher or admin
may do it on his behalf). A price above the list needs a supervisor: a dispatcher or admin of the
service company, or the brand's own after-sales staff. The customer answers the quote of their own
order (signed in, or signing on the technician's phone, which the technician records). Brand staff
keep their brand's price lists. Refunds give money back: the service company's dispatchers and admins,
or the brand's staff for their brand's orders — never the technician who collected it.
"""

from __future__ import annotations

from typing import Any

from anxin.accounts.models import User
from anxin.accounts.permissions import (
    ADM,
    ALL,
    BRAND,
    BS,
    OWN,
    Action,
    C,
    D,
    Scope,
    T,
    action_declare,
    role_of,
)
from anxin.workorders.permissions import order_in_scope


def pricing_in_scope(user: User, scope: Scope, obj: Any) -> bool:
    """Orders, quotes and payments go by their order; price lists and brands by the brand."""
    if scope == Scope.ALL:
        return True
    order = getattr(obj, "order", None) or (obj if hasattr(obj, "tracking_token") else None)
    if order is not None:
        return order_in_scope(user, scope, order)
    brand_id = getattr(obj, "brand_id", None) or getattr(obj, "pk", None)
    if scope == Scope.BRAND and brand_id is not None:
        return user.brands.filter(pk=brand_id).exists()
    return False


def _declare(key: str, label: str, grants: dict[str, Scope]) -> Action:
    return action_declare(f"pricing.{key}", label, grants, in_scope=pricing_in_scope)


BUILD_QUOTE = _declare(
    "quote_build", "decide warranty, build and send the quote of a visit", {T: OWN, D: ALL, ADM: ALL}
)
OVERRIDE_PRICE = _declare(
    "price_override", "allow a quote line above the list price (audited)", {D: ALL, ADM: ALL, BS: BRAND}
)
ANSWER_QUOTE = _declare(
    "quote_answer", "approve or decline a quote (the customer; on site, signed on the technician's phone)",
    {C: OWN, T: OWN},
)  # fmt: skip
RECORD_PAYMENT = _declare("payment_record", "record the customer's payment", {T: OWN, D: ALL, ADM: ALL})
REFUND = _declare("refund", "refund a payment, fully or partly (audited)", {D: ALL, ADM: ALL, BS: BRAND})
EDIT_PRICE_LIST = _declare("price_list_edit", "publish a brand's price list (import)", {ADM: ALL, BS: BRAND})


def is_supervisor(user: User) -> bool:
    return role_of(user) in {D, ADM, BS}
