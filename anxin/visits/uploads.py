"""Visit photos as resumable uploads (purpose ``visit_photo``, registered in apps.py).

The phone sends the shrunk photo in chunks through anxin.uploads (tus); the finished file becomes a visit
photo through the same service as the one-shot form post, so every rule of photo_add holds. Metadata the
client sends: ``role`` (before/after/item) and, for an item photo, ``inspection_id`` and ``item_code``.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.core.exceptions import ValidationFailed
from anxin.uploads.models import Upload
from anxin.uploads.selectors import upload_data
from anxin.visits import selectors, services
from anxin.visits.choices import PhotoRole
from anxin.visits.models import Inspection
from anxin.visits.permissions import INSPECT
from anxin.workorders.models import WorkOrder

PURPOSE = "visit_photo"
CONTENT_TYPES = ("image/*",)  # what the image ingest can read is decided on the finished file


def _resolve(actor: User, number: str, metadata: dict[str, Any]) -> tuple[WorkOrder, str, Inspection | None]:
    """The order (404 outside the actor's scope), the photo's role and, for an item photo, its inspection."""
    require(actor, INSPECT)  # a role that never may: 403 before the lookup, as the photo endpoint
    order = selectors.visit_order_for(actor=actor, number=number)
    require(actor, INSPECT, order)
    role = str(metadata.get("role", ""))
    if role not in PhotoRole.values:
        raise ValidationFailed(_("照片用途只能是维修前、维修后或检测项"), code="invalid_role", field="role")
    inspection = None
    if role == PhotoRole.ITEM:
        raw = str(metadata.get("inspection_id", ""))
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationFailed(_("检测项照片需要指定检测记录"), code="required", field="inspection_id")
        inspection = selectors.inspection_get(order=order, inspection_id=int(raw))
        if not metadata.get("item_code"):
            raise ValidationFailed(_("请指定检测项"), code="required", field="item_code")
    return order, role, inspection


def visit_photo_authorize(actor: User, target: str, metadata: dict[str, str]) -> None:
    """Before any byte: the same people as the photo form (the order's technician, staff in scope), on an
    order where photos can be taken now."""
    order, _role, _inspection = _resolve(actor, target, metadata)
    services._on_site(order)  # the rule photo_add applies again at completion


def visit_photo_complete(upload: Upload) -> dict[str, Any]:
    """The finished file becomes the visit photo (re-encoded by photo_add); the client gets its ids."""
    metadata = json.loads(upload.metadata or "{}")
    order, role, inspection = _resolve(upload.owner, upload.target, metadata)
    photo = services.photo_add(
        actor=upload.owner, order=order, role=role, data=upload_data(upload=upload),
        filename=upload.filename or "photo", inspection=inspection, item_code=str(metadata.get("item_code", "")),
    )  # fmt: skip
    return {"photo_id": photo.pk, "attachment_id": photo.attachment_id, "role": role}
