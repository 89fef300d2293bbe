"""device_register: an appliance and its warranty, written without full_clean (its checks are explicit)."""

from __future__ import annotations

import datetime as dt

import pytest

from anxin.core.exceptions import ValidationFailed
from anxin.customers.models import Device
from anxin.customers.services import customer_get_or_create, device_register


@pytest.fixture
def customer(db):
    return customer_get_or_create(phone="13800138000", name="张伟")[0]


def test_it_registers_the_device_with_its_warranty_end(customer, brand, category):
    device = device_register(
        customer=customer,
        brand=brand,
        category=category,
        serial_number=" SN-1 ",
        purchase_date=dt.date(2026, 1, 31),
    )

    stored = Device.objects.get(pk=device.pk)
    assert (stored.customer_id, stored.serial_number) == (customer.pk, "SN-1")
    assert stored.warranty_end == device.warranty_end is not None
    assert device_register(customer=customer, brand=brand, category=category, serial_number="SN-1") == stored


def test_it_refuses_a_serial_number_over_60_characters_naming_the_field(customer, brand, category):
    with pytest.raises(ValidationFailed) as refused:
        device_register(customer=customer, brand=brand, category=category, serial_number="S" * 61)

    assert refused.value.field == "serial_number"
