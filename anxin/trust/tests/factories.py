"""Orders a technician is on, and pictures, for the trust tests."""

from __future__ import annotations

import io

from PIL import Image

from anxin.network.models import Technician
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file


def order_on_the_way(
    *, technician: Technician, phone: str = "13800000009", status: str = Status.EN_ROUTE
) -> WorkOrder:
    """An order assigned to ``technician`` in ``status`` (en route unless told)."""
    order = order_file(phone=phone, brand="乐创")
    WorkOrder.objects.filter(pk=order.pk).update(
        status=status, technician=technician, service_point=technician.service_point
    )
    return WorkOrder.objects.select_related("brand", "category").get(pk=order.pk)


def png_bytes(size: tuple[int, int] = (60, 80), color: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG carrying EXIF (a GPS tag): re-encoding must drop it."""
    image = Image.new("RGB", (40, 40), "green")
    exif = Image.Exif()
    exif[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
