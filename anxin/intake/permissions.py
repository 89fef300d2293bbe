"""Intake actions in the permission table. Public channels (web form, mail, hotline webhook) file
orders without a user; these grants are for signed-in callers of the API and the hotline console."""

from __future__ import annotations

from anxin.accounts.choices import Role
from anxin.accounts.permissions import Scope, action_declare

# Brand staff file only for their own brands (request_submit checks the brand).
FILE_ORDER = action_declare(
    "intake.file_order",
    "file repair orders through the API",
    {
        Role.CUSTOMER: Scope.OWN,
        Role.AGENT: Scope.ALL,
        Role.DISPATCHER: Scope.ALL,
        Role.BRAND_STAFF: Scope.BRAND,
        Role.ADMIN: Scope.ALL,
    },
)
HOTLINE_CONSOLE = action_declare(
    "intake.hotline_console",
    "use the hotline console and look up callers",
    {Role.AGENT: Scope.ALL, Role.DISPATCHER: Scope.ALL, Role.ADMIN: Scope.ALL},
)
