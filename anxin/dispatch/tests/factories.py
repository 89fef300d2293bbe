"""Dispatch test data: a covered service point, skilled technicians, orders filed through intake.

Times are explicit: ``NOW`` is next Wednesday 09:00 in Shanghai, so the tests do not depend on
the hour or weekday they run at.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.network.models import CoverageArea, ServicePoint, Technician
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file

SHANGHAI = ZoneInfo("Asia/Shanghai")


def next_wednesday_at(hour: int, minute: int = 0) -> dt.datetime:
    today = dt.datetime.now(SHANGHAI).date()
    days = (2 - today.weekday()) % 7 or 7
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=SHANGHAI)


NOW = next_wednesday_at(9)


def cover(point: ServicePoint, brand, category, county_code: str = "110105") -> ServicePoint:
    """Let ``point`` serve the brand and category in the county (北京朝阳 by default)."""
    point.brands.add(brand)
    point.categories.add(category)
    CoverageArea.objects.get_or_create(
        service_point=point, division_code=county_code, defaults={"level": 3, "name_path": county_code}
    )
    return point


def technician_make(
    point: ServicePoint,
    brand,
    category,
    *,
    employee_no: str,
    lat: float,
    lng: float,
    **fields,
) -> Technician:
    user = User.objects.create_user(
        username=f"u{employee_no}", password=f"pw-{employee_no}", role=Role.TECHNICIAN
    )
    tech = Technician.objects.create(
        user=user,
        service_point=point,
        employee_no=employee_no,
        home_latitude=lat,
        home_longitude=lng,
        **fields,
    )
    tech.brands.add(brand)
    tech.categories.add(category)
    return tech


def skilled(tech: Technician, brand, category, *, lat: float, lng: float) -> Technician:
    tech.brands.add(brand)
    tech.categories.add(category)
    Technician.objects.filter(pk=tech.pk).update(home_latitude=lat, home_longitude=lng)
    tech.refresh_from_db()
    return tech


def always_on(tech: Technician) -> Technician:
    """On shift every day, around the clock: offers do not depend on when the test runs."""
    tech.work_days, tech.shift_start, tech.shift_end = "1234567", "00:00", "23:59"
    tech.save()
    return tech


def order_new(phone: str, address: str = "北京市朝阳区建国路88号", **extra) -> WorkOrder:
    return order_file(phone=phone, address=address, **extra)
