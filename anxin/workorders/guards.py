"""Preconditions that higher layers attach to a transition, without workorders importing them.

The visit registers what completion requires (checklist done, approval, signature...) from its
AppConfig.ready(); ``workorder_transition`` runs every guard of the event before it changes the status,
whoever fires it (page, API, command). A guard refuses by raising a DomainError naming what is missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from anxin.workorders.choices import Event

if TYPE_CHECKING:
    from anxin.accounts.models import User
    from anxin.workorders.models import WorkOrder

TransitionGuard = Callable[["WorkOrder", "User | None"], None]

_guards: dict[str, list[TransitionGuard]] = defaultdict(list)


def transition_guard_register(event: Event, guard: TransitionGuard) -> None:
    """Run ``guard(order, actor)`` before every ``event`` (idempotent: one registration per guard)."""
    if guard not in _guards[str(event)]:
        _guards[str(event)].append(guard)


def transition_guards_check(*, order: WorkOrder, event: str, actor: User | None) -> None:
    for guard in _guards.get(str(event), ()):
        guard(order, actor)
