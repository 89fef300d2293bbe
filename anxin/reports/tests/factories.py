from __future__ import annotations

import io

from PIL import Image

from anxin.intake.services import IncomingFile
from anxin.network.models import Technician
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_event_record
from anxin.workorders.tests.factories import order_file


def jpeg(size: tuple[int, int] = (1200, 900), colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def completed_order(
    *, technician: Technician | None, photos: int = 1, phone: str = "13800138000", serial: str = ""
) -> WorkOrder:
    """An order filed through intake (with ``photos`` pictures), assigned and completed.

    The steps in between are not this app's concern: the status is set and the completion recorded
    on the timeline, which is what the report reads.
    """
    files = [
        IncomingFile(f"照片{n}.jpg", jpeg(colour=(40 * n % 255, 90, 160)), "image/jpeg")
        for n in range(photos)
    ]
    order = order_file(phone=phone, files=files, serial=serial)
    WorkOrder.objects.filter(pk=order.pk).update(technician=technician, status=Status.COMPLETED)
    order.refresh_from_db()
    workorder_event_record(
        order=order,
        event=Event.COMPLETE,
        actor=None,
        from_status=Status.IN_REPAIR,
        to_status=Status.COMPLETED,
    )
    return order
