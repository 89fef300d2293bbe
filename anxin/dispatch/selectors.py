from __future__ import annotations

from anxin.core.exceptions import NotFound
from anxin.dispatch.models import Technician


def technician_get_by_employee_no(*, employee_no: str) -> Technician:
    technician = (
        Technician.objects.select_related("user", "service_point")
        .filter(employee_no=employee_no, is_active=True)
        .first()
    )
    if technician is None:
        raise NotFound(f"No active technician {employee_no}", field="technician")
    return technician


def technicians_for_order(*, order) -> list[Technician]:  # type: ignore[no-untyped-def]
    """Active technicians who have the skill (brand × category) for the order, the order's service point first."""
    technicians = Technician.objects.filter(is_active=True).select_related("user", "service_point")
    if order.brand_id:
        technicians = technicians.filter(brands=order.brand_id)
    if order.category_id:
        technicians = technicians.filter(categories=order.category_id)
    return sorted(
        technicians.distinct(),
        key=lambda t: (t.service_point.county_code != order.county_code, t.employee_no),
    )
