"""Parts actions in the permission table.

The service company runs the stock (dispatchers and admins: every warehouse, van and transfer; there is
no per-point dispatcher in the role model, see docs/parts.md); a technician works his own van and his own
orders' parts; brand staff keep their brands' catalogue, codes, counterfeit alerts and returned parts;
a customer only reads which genuine parts went into his appliance.
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
from anxin.parts.models import StockLocation
from anxin.workorders.models import WorkOrder
from anxin.workorders.permissions import order_in_scope


def parts_in_scope(user: User, scope: Scope, obj: Any) -> bool:
    """An order goes by the order (``order_in_scope``); a stock location is OWN for the technician whose
    van it is; anything else (a part, code, alert or return) is BRAND for staff of its brand."""
    if scope == Scope.ALL:
        return True
    if isinstance(obj, WorkOrder):
        return order_in_scope(user, scope, obj)
    if isinstance(obj, StockLocation):
        if scope != Scope.OWN or role_of(user) != Role.TECHNICIAN:
            return False
        return obj.technician is not None and obj.technician.user_id == user.pk
    return scope == Scope.BRAND and user.brands.filter(pk=obj.brand_id).exists()


def _declare(key: str, label: str, grants: dict[str, Scope]) -> Action:
    return action_declare(f"parts.{key}", label, grants, in_scope=parts_in_scope)


STOCK_ROOM: dict[str, Scope] = {ADM: ALL, D: ALL}  # the service company's stock keepers
BRAND_DESK: dict[str, Scope] = {ADM: ALL, BS: BRAND}  # a brand's own after-sales staff
FIELD: dict[str, Scope] = {**STOCK_ROOM, T: OWN}  # and the technician, for his van and his orders

CATALOGUE_VIEW = _declare(
    "catalogue_view", "view the parts catalogue", {**STOCK_ROOM, A: ALL, T: ALL, BS: BRAND}
)
CATALOGUE_EDIT = _declare("catalogue_edit", "add or import parts in a brand's catalogue", BRAND_DESK)
STOCK_VIEW = _declare("stock_view", "see the stock and ledger of a warehouse or van", FIELD)
STOCK_MOVE = _declare(
    "stock_move", "receive, transfer, return to the brand or adjust stock (with a reason)", STOCK_ROOM
)
RESERVE = _declare("reserve", "reserve parts for an order, or release the reservation", FIELD)
INSTALL = _declare("install", "verify a genuine-part code and install a part on an order", FIELD)
ORDER_PARTS_VIEW = _declare(
    "order_parts_view",
    "see which genuine parts were installed on an order",
    {**FIELD, A: ALL, BS: BRAND, C: OWN},
)
CODES = _declare("codes", "issue a brand's part codes and print their QR labels", BRAND_DESK)
ALERTS_VIEW = _declare("alerts_view", "see refused part codes (counterfeit alerts)", BRAND_DESK)
RETURN_SHIP = _declare("return_ship", "mark a removed part as shipped back to the brand", STOCK_ROOM)
RETURN_RECEIVE = _declare("return_receive", "confirm a returned part was received", BRAND_DESK)
