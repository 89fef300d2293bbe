"""Start-up checks: in production (ANXIN_ENV=production) Anxin refuses to run with demo secrets,
generated keys, demo logins or any `check --deploy` warning.

They are Django system checks, so `manage.py check`, `runserver`, `serve`, `run_huey` and every other
command stop on them; ``production_guard()`` runs them from the WSGI entry point too (gunicorn).
Outside production they say nothing: the demo and tests may use generated keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEMO_SECRET_PREFIX = "demo-"
WEBHOOK_SECRETS = ("ANXIN_SOCIAL_WEBHOOK_SECRET", "ANXIN_MAIL_WEBHOOK_SECRET")
KEY_SETTINGS = ("ANXIN_ENCRYPTION_KEYS", "ANXIN_ACTIVE_KEY_ID", "ANXIN_BLIND_INDEX_KEY")


def _production() -> bool:
    return settings.ANXIN_ENV == "production"


@checks.register("anxin")
def check_production_secrets(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not _production():
        return []
    errors: list[checks.CheckMessage] = []
    if settings.DEBUG:
        errors.append(checks.Error("DEBUG is on in production.", hint="Unset DEBUG.", id="anxin.E001"))
    if settings.ANXIN_SECRET_KEY_GENERATED:
        errors.append(
            checks.Error(
                "SECRET_KEY was generated into the data folder, not configured.",
                hint="Set SECRET_KEY in the environment (50+ random characters).",
                id="anxin.E002",
            )
        )
    for name in WEBHOOK_SECRETS:
        value = getattr(settings, name)
        if not value or value.startswith(DEMO_SECRET_PREFIX):
            errors.append(
                checks.Error(
                    f"{name} is {'unset' if not value else 'a demo secret'}.",
                    hint=f"Set {name} to the secret shared with the gateway (32+ random characters).",
                    id="anxin.E003",
                )
            )
    missing = [name for name in KEY_SETTINGS if not getattr(settings, name)]
    if missing:
        errors.append(
            checks.Error(
                f"Customer-data keys are generated, not configured: {', '.join(missing)} unset.",
                hint="Set ANXIN_ENCRYPTION_KEYS, ANXIN_ACTIVE_KEY_ID and ANXIN_BLIND_INDEX_KEY (see README).",
                id="anxin.E004",
            )
        )
    return errors


@checks.register("anxin")
def check_deploy_warnings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production every `check --deploy` warning (HSTS, secure cookies, SSL redirect…) is an error."""
    if not _production():
        return []
    found = checks.run_checks(
        app_configs=app_configs, tags=[checks.Tags.security], include_deployment_checks=True
    )
    return [
        checks.Error(
            f"Deployment check {message.id} fails in production: {message.msg}",
            hint=message.hint or f"Fix it, or list {message.id} in ANXIN_SILENCED_CHECKS with a reason.",
            id="anxin.E005",
        )
        for message in found
        if message.level >= checks.WARNING and not message.is_silenced()
    ]


def production_guard(*, databases: Iterable[str] = ("default",)) -> None:
    """Raise ImproperlyConfigured listing every error the checks find (production only).

    Called at start-up of the WSGI application (gunicorn) and of the worker, so a misconfigured
    production server stops at once instead of serving.
    """
    if not _production():
        return
    found = checks.run_checks(include_deployment_checks=True, databases=list(databases))
    errors = [m for m in found if m.level >= checks.ERROR and not m.is_silenced()]
    if errors:
        lines = "\n".join(f"  {m.id}: {m.msg} ({m.hint})" if m.hint else f"  {m.id}: {m.msg}" for m in errors)
        raise ImproperlyConfigured(f"Anxin refuses to start in production:\n{lines}")
