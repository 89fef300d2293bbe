"""Start-up check of the demo app: demo logins must not survive into production (anxin.E006).

It lives here, not in core, because only the demo knows its logins; core's production guard runs
every registered check, this one included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core import checks

from anxin.core.checks import _production


@checks.register("anxin", checks.Tags.database)
def check_no_demo_logins(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Demo staff accounts with the demo password must not exist in production."""
    if not _production() or not databases:
        return []
    from django.db import DatabaseError

    from anxin.demo.management.commands.seed_demo import demo_logins_present

    try:
        present = demo_logins_present()
    except DatabaseError:  # not migrated yet: `migrate` itself runs these checks
        return []
    if not present:
        return []
    return [
        checks.Error(
            f"Demo logins with the demo password exist: {', '.join(present)}.",
            hint="Delete these users or set real passwords (manage.py changepassword).",
            id="anxin.E006",
        )
    ]
