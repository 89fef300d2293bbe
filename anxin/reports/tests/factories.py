from __future__ import annotations

import io

from PIL import Image

from anxin.intake.services import IncomingFile
from anxin.network.models import Technician
from anxin.testing.visits import visit_reach_on_site, visit_record
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file


def jpeg(size: tuple[int, int] = (1200, 900), colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def completed_order(
    *, technician: Technician, photos: int = 1, phone: str = "13800138000", serial: str = ""
) -> WorkOrder:
    """An order filed through intake (with ``photos`` pictures) and completed by a real visit of
    ``technician``: dispatched, accepted, set off, arrived with the customer's code, then an in-warranty
    repair recorded on his phone (before and after photos, diagnosis, the customer's signed sign-off).
    Every status comes from ``workorder_transition``, so the report reads what a real visit leaves."""
    files = [
        IncomingFile(f"照片{n}.jpg", jpeg(colour=(40 * n % 255, 90, 160)), "image/jpeg")
        for n in range(photos)
    ]
    order = order_file(phone=phone, files=files, serial=serial)
    order = visit_reach_on_site(order=order, technician=technician)
    return visit_record(order=order)
