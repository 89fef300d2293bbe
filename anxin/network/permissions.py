"""Network actions in the permission table: service point coverage (administering the network)."""

from __future__ import annotations

from anxin.accounts.choices import Role
from anxin.accounts.permissions import Scope, action_declare

COVERAGE_EDIT = action_declare(
    "network.coverage_edit",
    "edit service point coverage",
    {Role.DISPATCHER: Scope.ALL, Role.ADMIN: Scope.ALL},
)
# Brand staff look at their brands' coverage map and lookups (selectors narrow to their brands).
COVERAGE_VIEW = action_declare(
    "network.coverage_view",
    "view service coverage",
    {Role.AGENT: Scope.ALL, Role.DISPATCHER: Scope.ALL, Role.ADMIN: Scope.ALL, Role.BRAND_STAFF: Scope.BRAND},
)
