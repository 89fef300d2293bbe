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


def parts_admin_rows(*, brand: Brand, technician: Technician, order: WorkOrder, admin) -> None:
    """One row of every parts model, for the admin page test (tests/admin)."""
    from anxin.parts import services

    part = make_part(brand, number="ADM-1", serialised=True)
    make_codes(part, "ADMN-0000-0001")
    WorkOrder.objects.filter(pk=order.pk).update(
        technician=technician, service_point=technician.service_point
    )
    order = WorkOrder.objects.select_related("technician").get(pk=order.pk)
    van = services.van_of(technician=technician)
    services.warehouse_of(service_point=technician.service_point)
    services.stock_receive(location=van, part=part, quantity=2, actor=admin)
    reservation = services.stock_reserve(order=order, part=part, quantity=1, actor=admin)
    services.part_install(reservation=reservation, actor=admin, code="ADMN-0000-0001", removed_serial="OLD-1")
    try:
        services.part_code_verify(order=order, part=part, code="FAKE-0000-0000", actor=admin)
    except Exception:  # noqa: BLE001 - the refusal is the point: it writes the alert row
        pass
