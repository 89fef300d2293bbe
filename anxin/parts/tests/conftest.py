from __future__ import annotations

import pytest

from anxin.parts.services.stock import van_of, warehouse_of
from anxin.parts.tests.factories import assigned_order, make_codes, make_part


@pytest.fixture
def part(brand):
    return make_part(brand)


@pytest.fixture
def coded_part(brand):
    part = make_part(brand, number="LC-IGN-01", serialised=True, name="点火器")
    make_codes(part, "LECH-AAAA-0001", "LECH-AAAA-0002", "LECH-AAAA-0003")
    return part


@pytest.fixture
def order(technician, brand, category):
    return assigned_order(technician)


@pytest.fixture
def van(technician):
    return van_of(technician=technician)


@pytest.fixture
def warehouse(service_point):
    return warehouse_of(service_point=service_point)
