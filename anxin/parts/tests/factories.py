"""Parts for the tests: a serialised part with codes, a plain part, an order assigned to a technician."""

from __future__ import annotations

from decimal import Decimal

from anxin.catalog.models import Brand
from anxin.network.models import Technician
from anxin.parts.models import Part, PartCode
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file


def make_part(brand: Brand, *, number: str = "LC-UV-01", serialised: bool = False, **extra) -> Part:
    defaults = {"name": "紫外线灯管", "list_price": Decimal("85.00"), "return_required": serialised}
    defaults.update(extra)
    return Part.objects.create(brand=brand, part_number=number, serialised=serialised, **defaults)


def make_codes(part: Part, *codes: str) -> list[PartCode]:
    return [PartCode.objects.create(code=c, brand_id=part.brand_id, part=part) for c in codes]


def assigned_order(
    technician: Technician, *, phone: str = "13800000001", status: str = Status.ON_SITE
) -> WorkOrder:
    order = order_file(phone=phone)
    WorkOrder.objects.filter(pk=order.pk).update(
        technician=technician, service_point=technician.service_point, status=status
    )
    return WorkOrder.objects.select_related("technician", "brand").get(pk=order.pk)
