"""Trust actions in the permission table: a technician's own badge; reviewing fake-channel reports.

Checking a badge token, an employee number, a number or a web address, and reporting a suspected fake,
are open to anyone (they are the point of /verify/), so they are not in the table.
"""

from __future__ import annotations

from typing import Any

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import Scope, action_declare


def _own_badge(user: User, scope: Scope, obj: Any) -> bool:
    """OWN: the technician record is the user's own."""
    return obj.user_id == user.pk


def _suspect_in_scope(user: User, scope: Scope, obj: Any) -> bool:
    """BRAND: a suspect pretending to be one of the staff's brands (unattributed ones are the platform's)."""
    if scope == Scope.ALL:
        return True
    return obj.brand_id is not None and user.brands.filter(pk=obj.brand_id).exists()


BADGE = action_declare(
    "trust.badge",
    "show one's own digital badge and set its photo",
    {Role.TECHNICIAN: Scope.OWN},
    in_scope=_own_badge,
)
REVIEW_REPORTS = action_declare(
    "trust.review_reports",
    "review reports of fake hotlines and web addresses",
    {Role.ADMIN: Scope.ALL, Role.BRAND_STAFF: Scope.BRAND},
    in_scope=_suspect_in_scope,
)
