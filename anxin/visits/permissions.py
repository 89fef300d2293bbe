"""Visit actions in the permission table.

The technician assigned to the order fills its checklists, takes its photos and records its diagnosis;
the office (agents, dispatchers, admins) and the brand's staff read them; the customer reads the results
of his own order. Scopes are the order's (``order_in_scope``): a visit belongs to its order.
"""

from __future__ import annotations

from anxin.accounts.permissions import ADM, ALL, BRAND, BS, OWN, A, C, D, T, action_declare
from anxin.workorders.permissions import order_in_scope

VIEW = action_declare(
    "visits.view",
    "read an order's inspection, assessment, diagnosis, photos and advice",
    {A: ALL, D: ALL, ADM: ALL, T: OWN, BS: BRAND, C: OWN},
    in_scope=order_in_scope,
)
INSPECT = action_declare(
    "visits.inspect",
    "fill in an inspection or security assessment and take its photos",
    {T: OWN},
    in_scope=order_in_scope,
)
DIAGNOSE = action_declare(
    "visits.diagnose", "record the diagnosis (fault codes, cause)", {T: OWN}, in_scope=order_in_scope
)
COMPLETE = action_declare(
    "visits.complete",
    "record the customer's sign-off and complete the visit",
    {T: OWN},
    in_scope=order_in_scope,
)
