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
from anxin.accounts.permissions import Scope, action_declare, role_of
from anxin.workorders.permissions import order_in_scope

A, D, T, C, ADM = Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.CUSTOMER, Role.ADMIN
BS = Role.BRAND_STAFF
ALL, OWN, BRAND = Scope.ALL, Scope.OWN, Scope.BRAND


def brand_object_in_scope(user: User, scope: Scope, obj: Any) -> bool:
    """BRAND: a part, code, alert or return of one of the staff member's brands."""
    if scope == Scope.ALL:
        return True
    if scope == Scope.BRAND:
        return user.brands.filter(pk=obj.brand_id).exists()
    return False


def location_in_scope(user: User, scope: Scope, location: Any) -> bool:
    """OWN: the technician's own van."""
    if scope == Scope.ALL:
        return True
    if scope == Scope.OWN and role_of(user) == Role.TECHNICIAN:
        technician = location.technician
        return technician is not None and technician.user_id == user.pk
    return False


CATALOGUE_VIEW = action_declare(
    "parts.catalogue_view",
    "view the parts catalogue",
    {ADM: ALL, D: ALL, A: ALL, T: ALL, BS: BRAND},
    in_scope=brand_object_in_scope,
)
CATALOGUE_EDIT = action_declare(
    "parts.catalogue_edit",
    "add or import parts in a brand's catalogue",
    {ADM: ALL, BS: BRAND},
    in_scope=brand_object_in_scope,
)
STOCK_VIEW = action_declare(
    "parts.stock_view",
    "see the stock and ledger of a warehouse or van",
    {ADM: ALL, D: ALL, T: OWN},
    in_scope=location_in_scope,
)
STOCK_MOVE = action_declare(
    "parts.stock_move",
    "receive, transfer, return to the brand or adjust stock (with a reason)",
    {ADM: ALL, D: ALL},
    in_scope=location_in_scope,
)
RESERVE = action_declare(
    "parts.reserve",
    "reserve parts for an order, or release the reservation",
    {ADM: ALL, D: ALL, T: OWN},
    in_scope=order_in_scope,
)
INSTALL = action_declare(
    "parts.install",
    "verify a genuine-part code and install a part on an order",
    {ADM: ALL, D: ALL, T: OWN},
    in_scope=order_in_scope,
)
ORDER_PARTS_VIEW = action_declare(
    "parts.order_parts_view",
    "see which genuine parts were installed on an order",
    {ADM: ALL, D: ALL, A: ALL, T: OWN, BS: BRAND, C: OWN},
    in_scope=order_in_scope,
)
CODES = action_declare(
    "parts.codes",
    "issue a brand's part codes and print their QR labels",
    {ADM: ALL, BS: BRAND},
    in_scope=brand_object_in_scope,
)
ALERTS_VIEW = action_declare(
    "parts.alerts_view",
    "see refused part codes (counterfeit alerts)",
    {ADM: ALL, BS: BRAND},
    in_scope=brand_object_in_scope,
)
RETURN_SHIP = action_declare(
    "parts.return_ship",
    "mark a removed part as shipped back to the brand",
    {ADM: ALL, D: ALL},
    in_scope=brand_object_in_scope,
)
RETURN_RECEIVE = action_declare(
    "parts.return_receive",
    "confirm a returned part was received",
    {ADM: ALL, BS: BRAND},
    in_scope=brand_object_in_scope,
)
