"""SLA actions in the permission table: stopping the clocks and reading the breach report."""

from __future__ import annotations

from anxin.accounts.choices import Role
from anxin.accounts.permissions import Scope, action_declare
from anxin.workorders.permissions import order_in_scope

# Waiting on the customer or on parts: the case owners, and the technician on his own visit.
_CLOCK_GRANTS: dict[str, Scope] = {
    Role.AGENT: Scope.ALL,
    Role.DISPATCHER: Scope.ALL,
    Role.ADMIN: Scope.ALL,
    Role.TECHNICIAN: Scope.OWN,
}
PAUSE = action_declare("sla.pause", "pause an order's SLA clocks", _CLOCK_GRANTS, in_scope=order_in_scope)
RESUME = action_declare("sla.resume", "resume an order's SLA clocks", _CLOCK_GRANTS, in_scope=order_in_scope)
REPORT = action_declare(
    "sla.report",
    "read SLA breach reports",
    {Role.AGENT: Scope.ALL, Role.DISPATCHER: Scope.ALL, Role.ADMIN: Scope.ALL, Role.BRAND_STAFF: Scope.BRAND},
)
