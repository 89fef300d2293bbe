"""Writes: coverage of service points, technicians' positions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.areas.coverage import CoverageLine, coverage_text_parse
from anxin.areas.tree import get_tree
from anxin.core.exceptions import NotFound, ValidationFailed
from anxin.core.images import image_ingest
from anxin.core.outbox import outbox_kick
from anxin.network.choices import COVERAGE_CHANGED, TechnicianStatus
from anxin.network.models import CoverageArea, CoverageChange, ServicePoint, Technician
from anxin.network.permissions import COVERAGE_EDIT


@dataclass(frozen=True)
class CoverageImportResult:
    created: int
    updated: int
    removed: int
    skipped: list[CoverageLine]  # lines that did not resolve to exactly one division


@transaction.atomic
def coverage_import(
    *, actor: User, service_point: ServicePoint, text: str, replace: bool = False
) -> CoverageImportResult:
    """Save the resolvable items of a pasted coverage list; with ``replace`` the point's old coverage goes.

    Unresolvable items are returned, never guessed. An item already present has its include/exclude updated.
    """
    require(actor, COVERAGE_EDIT)
    lines = coverage_text_parse(text)
    if not lines:
        raise ValidationFailed(gettext("请粘贴服务范围，用「、」或换行分隔"), field="text")
    good = [line for line in lines if line.importable]
    skipped = [line for line in lines if not line.importable]
    removed = 0
    if replace:
        removed, _ = CoverageArea.objects.filter(service_point=service_point).delete()
    existing = {c.division_code: c for c in CoverageArea.objects.filter(service_point=service_point)}
    tree = get_tree()
    created = updated = 0
    for line in good:
        code = line.resolution.code
        row = existing.get(code)
        if row is None:
            row = CoverageArea(
                service_point=service_point,
                division_code=code,
                level=tree.by_code[code].level,
                name_path=line.resolution.name_path,
                exclude=line.exclude,
                source_text=line.text[:100],
            )
            row.full_clean(validate_constraints=False)
            row.save()
            existing[code] = row
            created += 1
        elif row.exclude != line.exclude:
            row.exclude = line.exclude
            row.source_text = line.text[:100]
            row.save(update_fields=["exclude", "source_text", "updated_at"])
            updated += 1
    if created or updated or removed:
        coverage_change_record(service_point=service_point)
    return CoverageImportResult(created=created, updated=updated, removed=removed, skipped=skipped)


@transaction.atomic
def coverage_delete(*, actor: User, service_point: ServicePoint, coverage_id: int) -> None:
    """Remove one coverage entry of this point."""
    require(actor, COVERAGE_EDIT)
    deleted, _ = CoverageArea.objects.filter(service_point=service_point, pk=coverage_id).delete()
    if not deleted:
        raise NotFound(gettext("服务范围条目不存在"))
    coverage_change_record(service_point=service_point)


def coverage_change_record(*, service_point: ServicePoint) -> CoverageChange:
    """Tell the apps above that this point's coverage changed: an outbox row, and a wake-up on commit."""
    change = CoverageChange.objects.create(service_point=service_point)
    outbox_kick(COVERAGE_CHANGED)
    return change


@transaction.atomic
def technician_location_update(
    *, technician: Technician, latitude: float, longitude: float, at: dt.datetime | None = None
) -> Technician:
    """The phone's position (browser geolocation); used for offers and today's route start."""
    if not (-90 <= latitude <= 90):
        raise ValidationFailed(gettext("纬度应在 -90 到 90 之间"), field="latitude")
    if not (-180 <= longitude <= 180):
        raise ValidationFailed(gettext("经度应在 -180 到 180 之间"), field="longitude")
    at = at or timezone.now()
    Technician.objects.filter(pk=technician.pk).update(
        last_latitude=latitude, last_longitude=longitude, last_located_at=at
    )
    technician.last_latitude, technician.last_longitude, technician.last_located_at = latitude, longitude, at
    for listener in _location_listeners:  # higher layers (live tracking) keep the track of a visit
        listener(technician, at)
    return technician


_location_listeners: list[Callable[[Technician, dt.datetime], None]] = []


def technician_location_listen(listener: Callable[[Technician, dt.datetime], None]) -> None:
    """Call ``listener(technician, at)`` after every position update (registered from AppConfig.ready)."""
    if listener not in _location_listeners:
        _location_listeners.append(listener)


def technician_visit_status_set(*, technician_id: int, status: str, at: dt.datetime) -> bool:
    """The live status a step of his visit implies (set off, arrived, visit over), written by the order's
    transition. A technician who signed off (下班/请假) stays off: he chose it, a visit step does not undo it.
    False when nothing changed (off, or gone)."""
    if status not in TechnicianStatus.values or status == TechnicianStatus.OFF:
        raise ValueError(f"a visit step does not set the status {status!r}")
    changed = (
        Technician.objects.filter(pk=technician_id)
        .exclude(status=TechnicianStatus.OFF)
        .update(status=status, status_changed_at=at)
    )
    return bool(changed)


# A badge photo is shown at phone size; 600 px on the long edge is plenty and keeps /verify/ light.
TECHNICIAN_PHOTO_EDGE = 600


@transaction.atomic
def technician_photo_set(*, technician: Technician, data: bytes, field: str = "photo") -> Technician:
    """Store the badge photo, always re-encoded (drops EXIF GPS and anything appended to the file).

    The caller checks who may do this (the technician himself via anxin.trust, staff in the admin).
    Raises ValidationFailed naming ``field`` for anything that is not an acceptable picture.
    """
    image = image_ingest(data, field=field, long_edge=TECHNICIAN_PHOTO_EDGE, reencode=True)
    old = technician.photo.name if technician.photo else ""
    technician.photo.save(f"photo{image.suffix or '.jpg'}", ContentFile(image.data), save=False)
    Technician.objects.filter(pk=technician.pk).update(photo=technician.photo.name)
    if old and old != technician.photo.name:
        transaction.on_commit(lambda: technician.photo.storage.delete(old))
    return technician
