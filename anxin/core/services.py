from __future__ import annotations

from anxin.core.models import RevealLog


def reveal_log_create(*, actor, subject_type: str, subject_id: str, field: str, reason: str = "", ip_address: str | None = None) -> RevealLog:  # type: ignore[no-untyped-def]
    return RevealLog.objects.create(
        actor=actor, subject_type=subject_type, subject_id=str(subject_id), field=field, reason=reason[:200], ip_address=ip_address or None
    )
