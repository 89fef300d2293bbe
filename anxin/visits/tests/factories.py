"""Visit test helpers: an order on site with its technician, and a checklist filled the honest way
(through the services, as the phone does)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from anxin.visits.choices import ItemKind, PhotoRole, VisitKind
from anxin.visits.models import Inspection
from anxin.visits.selectors import templates_for_order
from anxin.visits.services import (
    inspection_complete,
    inspection_record,
    inspection_start,
    photo_add,
    standards_load,
)
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file


def on_site_order(*, technician: Any, phone: str = "13800000011", **extra: Any) -> WorkOrder:
    """An order of the root conftest's brand/category, assigned to ``technician`` who has arrived.

    The status is set directly: the way there (offer, accept, depart, arrive) is dispatch's, tested there.
    """
    standards_load()
    extra.setdefault("model", "ZTP-108A")
    order = order_file(phone=phone, **extra)
    WorkOrder.objects.filter(pk=order.pk).update(
        technician=technician, service_point=technician.service_point, status=Status.ON_SITE
    )
    order.refresh_from_db()
    return order


def jpeg_bytes(width: int = 64, height: int = 48, color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="JPEG")
    return out.getvalue()


# A passing answer per kind, used for items a test does not care about.
def passing_value(item: Any) -> object:
    if item.kind == ItemKind.PASS_FAIL:
        return True
    if item.kind == ItemKind.READING:
        low = item.min_value if item.min_value is not None else 0
        high = item.max_value if item.max_value is not None else low
        return (low + high) / 2
    if item.kind == ItemKind.CHOICE:
        return next(o["value"] for o in item.options if not o.get("fails"))
    return "正常"


def inspection_fill(
    *, order: WorkOrder, actor: Any, kind: str = VisitKind.INSPECTION, answers: dict[str, object] | None = None,
    complete: bool = True,
) -> Inspection:  # fmt: skip
    """Start the order's checklist of ``kind``, answer every item (``answers`` override the passing
    defaults; photo items get a photo), and complete it unless told not to."""
    template = next(t for t in templates_for_order(order=order) if t.kind == kind)
    inspection = inspection_start(actor=actor, order=order, template=template)
    answers = answers or {}
    for item in template.items.order_by("position"):
        if item.kind == ItemKind.PHOTO:
            photo_add(
                actor=actor, order=order, role=PhotoRole.ITEM, data=jpeg_bytes(), filename="item.jpg",
                inspection=inspection, item_code=item.code,
            )  # fmt: skip
            continue
        inspection_record(
            actor=actor,
            inspection=inspection,
            item_code=item.code,
            value=answers.get(item.code, passing_value(item)),
        )
    if complete:
        inspection = inspection_complete(actor=actor, inspection=inspection)
    return inspection
