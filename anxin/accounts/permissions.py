"""Role checks shared by every app. Object scoping lives in each app's selectors."""

from __future__ import annotations

from collections.abc import Iterable

from anxin.accounts.choices import REVEAL_ROLES, Role
from anxin.accounts.models import User
from anxin.core.exceptions import PermissionDenied


def role_of(user: User) -> str:
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def require_role(user: User, roles: Iterable[str], *, action: str) -> None:
    if role_of(user) not in set(roles):
        raise PermissionDenied(f"Your role may not {action}")


def can_reveal(user: User) -> bool:
    return role_of(user) in REVEAL_ROLES
