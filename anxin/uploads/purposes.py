"""The purpose registry: which apps take resumable uploads, who may send them, and what a finished file
becomes. Higher apps register in their AppConfig.ready(); this app never imports them (ADR 27)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from anxin.core.exceptions import ValidationFailed

if TYPE_CHECKING:
    from anxin.accounts.models import User
    from anxin.uploads.models import Upload

Authorize = Callable[["User", str, dict[str, str]], None]
Complete = Callable[["Upload"], dict[str, Any]]


@dataclass(frozen=True)
class Purpose:
    """``authorize(actor, target, metadata)`` raises PermissionDenied/NotFound (or ValidationFailed for a
    bad metadata key) before any byte is accepted; ``complete(upload)`` runs once, inside the transaction
    that receives the last byte, and returns what the client needs (JSON-serialisable)."""

    name: str
    authorize: Authorize
    complete: Complete
    max_bytes: int
    content_types: frozenset[str]

    def accepts(self, content_type: str) -> bool:
        """Exact types (``image/jpeg``) or a family (``video/*``); parameters (``;codecs=vp8``) ignored."""
        base = content_type.split(";", 1)[0].strip().lower()
        return base in self.content_types or f"{base.split('/', 1)[0]}/*" in self.content_types


_purposes: dict[str, Purpose] = {}


def upload_purpose_register(
    name: str,
    *,
    authorize: Authorize,
    complete: Complete,
    max_bytes: int,
    content_types: list[str] | set[str] | tuple[str, ...] | frozenset[str],
) -> None:
    """Register (or, on a re-run of ready(), replace) the handler of one purpose."""
    _purposes[name] = Purpose(
        name=name,
        authorize=authorize,
        complete=complete,
        max_bytes=max_bytes,
        content_types=frozenset(t.lower() for t in content_types),
    )


def upload_purpose_get(name: str) -> Purpose:
    purpose = _purposes.get(name)
    if purpose is None:
        raise ValidationFailed(
            _("未知的上传用途：%(name)s") % {"name": name[:40]}, code="unknown_purpose", field="purpose"
        )
    return purpose


def upload_purposes() -> list[Purpose]:
    return list(_purposes.values())
