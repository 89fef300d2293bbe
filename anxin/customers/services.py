from __future__ import annotations

import datetime as dt

from django.db import transaction

from anxin.catalog.models import Brand, ProductCategory, ProductModel
from anxin.core.crypto import get_keyring
from anxin.core.masking import normalize_email, normalize_phone
from anxin.customers.models import Customer, Device


def phone_blind_index(phone: str) -> str:
    normalized = normalize_phone(phone)
    return get_keyring().blind_index(normalized, context="phone") if normalized else ""


def email_blind_index(email: str) -> str:
    normalized = normalize_email(email)
    return get_keyring().blind_index(normalized, context="email") if normalized else ""


@transaction.atomic(savepoint=False)
def customer_get_or_create(
    *, phone: str = "", email: str = "", name: str = "", address: str = ""
) -> tuple[Customer, bool]:
    """Find the customer by phone (else email) blind index; fill in what we did not know yet.

    Returns (customer, created). The row stays locked until the caller's transaction ends,
    which serializes concurrent requests from the same customer (duplicate detection).
    """
    phone = normalize_phone(phone)
    email = normalize_email(email)
    customer = None
    if phone:
        customer = Customer.objects.select_for_update().filter(phone_index=phone_blind_index(phone)).first()
    if customer is None and email:
        customer = Customer.objects.select_for_update().filter(email_index=email_blind_index(email)).first()
    if customer is None:
        customer = Customer(
            phone=phone,
            email=email,
            name=name,
            address=address,
            phone_index=phone_blind_index(phone),
            email_index=email_blind_index(email),
        )
        customer.full_clean()
        customer.save()
        return customer, True
    changed = []
    for field, value, index_field, index_value in (
        ("phone", phone, "phone_index", phone_blind_index(phone) if phone else ""),
        ("email", email, "email_index", email_blind_index(email) if email else ""),
    ):
        if value and not getattr(customer, field):
            setattr(customer, field, value)
            setattr(customer, index_field, index_value)
            changed += [field, index_field]
    for field, value in (("name", name), ("address", address)):
        if value and not getattr(customer, field):
            setattr(customer, field, value)
            changed.append(field)
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return customer, False


def warranty_end_for(
    *, purchase_date: dt.date | None, brand: Brand, product_model: ProductModel | None
) -> dt.date | None:
    if purchase_date is None:
        return None
    months = (product_model.warranty_months if product_model and product_model.warranty_months else None) or (
        brand.default_warranty_months
    )
    year = purchase_date.year + (purchase_date.month - 1 + months) // 12
    month = (purchase_date.month - 1 + months) % 12 + 1
    day = min(purchase_date.day, 28)
    return dt.date(year, month, day) - dt.timedelta(days=1)


@transaction.atomic(savepoint=False)
def device_register(
    *,
    customer: Customer,
    brand: Brand,
    category: ProductCategory,
    product_model: ProductModel | None = None,
    serial_number: str = "",
    purchase_date: dt.date | None = None,
) -> Device:
    """Register (or find, by serial number) a customer's appliance and compute its warranty end."""
    serial_number = serial_number.strip()
    if serial_number:
        existing = Device.objects.filter(customer=customer, brand=brand, serial_number=serial_number).first()
        if existing is not None:
            return existing
    device = Device(
        customer=customer,
        brand=brand,
        category=category,
        product_model=product_model,
        serial_number=serial_number,
        purchase_date=purchase_date,
        warranty_end=warranty_end_for(purchase_date=purchase_date, brand=brand, product_model=product_model),
    )
    # The related objects are already loaded instances: skip re-querying each foreign key.
    device.full_clean(exclude=["customer", "brand", "category", "product_model"])
    device.save()
    return device
