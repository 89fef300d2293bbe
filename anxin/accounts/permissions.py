"""The one permission table: which role may take which action, and on which objects.

Each app declares its actions in its own ``permissions.py`` (``action_declare``), next to the code that
enforces them; accounts knows nothing of orders, claims or dispatch. Services call ``require``; pages
ask ``can`` (or the ``{% can %}`` template tag) to decide which buttons to show. ``permission_table``
lists every declared action for docs, tests and the back office.

A grant names a scope. The role check is here; what a scope means for an object (this technician's own
orders, this brand's claims) is the app's, given as ``in_scope`` when it declares the action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.core.exceptions import PermissionDenied


class Scope(StrEnum):
    """Which objects a grant covers; the selectors of the action's app apply it."""

    ALL = "all"  # every object of the kind
    BRAND = "brand"  # objects of the brands the user works for (User.brands)
    OWN = "own"  # the user's own: a technician's assigned orders and offers, a customer's orders and claims


# Short names for the grant tables every app's permissions.py writes (one role per column, as in docs/security.md).
A, D, T, C, ADM, BS = (
    Role.AGENT,
    Role.DISPATCHER,
    Role.TECHNICIAN,
    Role.CUSTOMER,
    Role.ADMIN,
    Role.BRAND_STAFF,
)
ALL, OWN, BRAND = Scope.ALL, Scope.OWN, Scope.BRAND

ScopeCheck = Callable[[User, Scope, Any], bool]


@dataclass(frozen=True)
class Action:
    """One thing a user may do, e.g. ``workorders.cancel``; ``grants`` maps a role to its scope."""

    key: str
    label: str
    grants: Mapping[str, Scope]
    in_scope: ScopeCheck | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.key


_REGISTRY: dict[str, Action] = {}


def action_declare(
    key: str, label: str, grants: Mapping[str, Scope], *, in_scope: ScopeCheck | None = None
) -> Action:
    """Add one row to the table (at import of the app's permissions module); keys are unique."""
    unknown = set(grants) - set(Role.values)
    if unknown:
        raise ValueError(f"{key}: unknown roles {sorted(unknown)}")
    if key in _REGISTRY:
        raise ValueError(f"Action {key} is declared twice")
    action = Action(key=key, label=label, grants=dict(grants), in_scope=in_scope)
    _REGISTRY[key] = action
    return action


def role_of(user: User) -> str:
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def scope_of(user: User | None, action: Action) -> Scope | None:
    """The scope the user's role is granted for ``action``; None when it is not granted at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return action.grants.get(role_of(user))


def can(user: User | None, action: Action, obj: Any = None) -> bool:
    """May ``user`` take ``action`` (on ``obj``, when given)? Never raises: for pages and buttons."""
    scope = scope_of(user, action)
    if scope is None:
        return False
    if obj is None or scope == Scope.ALL or action.in_scope is None:
        return True
    assert user is not None  # scope_of returned a grant
    return action.in_scope(user, scope, obj)


def require(
    user: User | None, action: Action, obj: Any = None, *, code: str = "forbidden", field: str | None = None
) -> None:
    """Raise PermissionDenied (403) unless ``can(user, action, obj)``; services call this first."""
    if scope_of(user, action) is None:
        raise PermissionDenied(gettext("您的角色无权执行此操作"), code=code, field=field)
    if not can(user, action, obj):
        raise PermissionDenied(
            gettext("这不在您的负责范围内：此操作只能用于您自己负责的对象"), code=code, field=field
        )


def permission_table() -> list[Action]:
    """Every action every app declared, sorted by key (imports each app's ``permissions`` module)."""
    autodiscover_modules("permissions")
    return sorted(_REGISTRY.values(), key=lambda a: a.key)


def permission_table_markdown() -> str:
    """The table as docs/security.md shows it (a test keeps the file in sync)."""
    roles = [Role.ADMIN, Role.DISPATCHER, Role.AGENT, Role.TECHNICIAN, Role.BRAND_STAFF, Role.CUSTOMER]
    head = "| action | what | " + " | ".join(roles) + " | outsider |"
    rule = "|" + "---|" * (len(roles) + 3)
    rows = [
        f"| `{a.key}` | {a.label} | " + " | ".join(a.grants.get(r, "—") for r in roles) + " | — |"
        for a in permission_table()
    ]
    return "\n".join([head, rule, *rows]) + "\n"
