from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.choices import Role
from anxin.accounts.forms import lockout_message
from anxin.accounts.models import ApiToken, OneTimeCode, User
from anxin.catalog.models import Brand, ProductCategory, ProductModel
from anxin.core.crypto import get_keyring
from anxin.core.exceptions import RateLimited, ValidationFailed
from anxin.core.masking import normalize_email, normalize_phone
from anxin.core.ratelimit import (
    login_guard_check,
    login_guard_fail,
    login_guard_reset,
    rate_limited,
    ratelimit_hit,
)
from anxin.core.rows import row_first_locked, rows_insert
from anxin.customers.models import Customer, Device
from anxin.notifications.services import sms_send

logger = logging.getLogger(__name__)


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
    phone_index, email_index = phone_blind_index(phone), email_blind_index(email)
    customer = None
    if phone:
        customer = _customer_locked_by(column="phone_index", digest=phone_index)
    if customer is None and email:
        customer = _customer_locked_by(column="email_index", digest=email_index)
    if customer is None:
        customer = Customer(
            phone=phone,
            email=email,
            name=name,
            address=address,
            phone_index=phone_index,
            email_index=email_index,
        )
        # No full_clean(): nothing in it can fail here (text fields without limits, the blind
        # indexes are 64-character digests), and it cost a tenth of an intake's CPU.
        rows_insert([customer])
        return customer, True
    changed = []
    for field, value, index_field, index_value in (
        ("phone", phone, "phone_index", phone_index),
        ("email", email, "email_index", email_index),
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


def _customer_locked_by(*, column: str, digest: str) -> Customer | None:
    """The first customer whose blind index ``column`` is ``digest``, its row locked (PostgreSQL).

    What ``select_for_update().filter(...).first()`` sends, as one fixed prepared statement:
    compiling that queryset cost more CPU than the statement itself (docs/benchmarks.md §1).
    """
    return row_first_locked(Customer, column=column, value=digest)


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


SERIAL_NUMBER_MAX = 60  # Device.serial_number's max_length


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
    # What full_clean() checked, without its cost (the related objects are loaded instances).
    if len(serial_number) > SERIAL_NUMBER_MAX:
        raise ValidationFailed(
            f"Serial number must have at most {SERIAL_NUMBER_MAX} characters", field="serial_number"
        )
    rows_insert([device])
    return device


# Customers sign in with their phone and a one-time code: the codes (accounts.OneTimeCode, keyed by
# the phone's blind index) are the accounts app's; knowing which phones belong to customers is ours.
OTP_TTL = dt.timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5


def _code_hash(code: str, phone_index: str) -> str:
    return ApiToken.hash_token(f"{phone_index}:{code}")


def otp_request(*, phone: str, client_key: str) -> None:
    """Text a 6-digit login code to a known customer's phone. Unknown phones get no code but the same answer."""
    normalized = normalize_phone(phone)
    if not 7 <= len(normalized) <= 15:
        raise ValidationFailed(gettext("请输入正确的手机号"), field="phone")
    index = phone_blind_index(normalized)
    ratelimit_hit(scope="otp", key=client_key, rate=settings.ANXIN_OTP_RATE)
    ratelimit_hit(scope="otp-phone", key=index, rate=settings.ANXIN_OTP_PHONE_RATE)
    if not Customer.objects.filter(phone_index=index).exists():
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.create(
        phone_index=index, code_hash=_code_hash(code, index), expires_at=timezone.now() + OTP_TTL
    )
    sms_send(
        kind="otp", phone=normalized, text=f"【安心】您的登录验证码是 {code}，5分钟内有效。请勿告诉他人。"
    )


def _otp_guard_keys(*, phone_index: str, client_key: str) -> dict[str, str]:
    return {"otp-phone": phone_index, "otp-address": client_key}


def otp_verify(*, phone: str, code: str, client_key: str = "") -> User:
    """Check a code; on success return (creating if needed) the customer's login user.

    A code takes ``OTP_MAX_ATTEMPTS`` guesses, then it is locked. Wrong codes also count against the
    phone and the client address across codes, which lock out with growing delays (RateLimited).
    """

    # Not one transaction: a wrong guess must stay counted when we raise.
    normalized = normalize_phone(phone)
    index = phone_blind_index(normalized)
    keys = _otp_guard_keys(phone_index=index, client_key=client_key)
    lockout = login_guard_check(keys=keys)
    if lockout is not None:
        raise _otp_locked_out(lockout.retry_after)
    otp = (
        OneTimeCode.objects.filter(phone_index=index, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if otp is None:
        raise ValidationFailed(gettext("验证码已过期，请重新获取。"), field="code", code="code_expired")
    # Spend one of the code's guesses before comparing, so parallel guesses cannot exceed the budget.
    spent = OneTimeCode.objects.filter(pk=otp.pk, attempts__lt=OTP_MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not spent:
        raise ValidationFailed(
            gettext("验证码错误次数过多，已锁定。请重新获取验证码。"), field="code", code="code_locked"
        )
    if not hmac.compare_digest(otp.code_hash, _code_hash(code.strip(), index)):
        login_guard_fail(keys=keys)
        if otp.attempts + 1 >= OTP_MAX_ATTEMPTS:
            otp_lockout_alert(phone=normalized, phone_index=index)
            raise ValidationFailed(
                gettext("验证码错误次数过多，已锁定。请重新获取验证码。"), field="code", code="code_locked"
            )
        raise ValidationFailed(gettext("验证码不正确"), field="code", code="code_wrong")
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise ValidationFailed(gettext("验证码已使用，请重新获取。"), field="code", code="code_expired")
    login_guard_reset(keys={"otp-phone": index})
    return _customer_login_user(phone_index=index)


def _otp_locked_out(seconds: int) -> RateLimited:

    exc = rate_limited(seconds)
    exc.detail = lockout_message(seconds)
    exc.field = "code"
    exc.code = "locked_out"
    return exc


def otp_lockout_alert(*, phone: str, phone_index: str) -> None:
    """Tell the phone's owner that someone is guessing their login codes (at most once a day)."""

    try:
        ratelimit_hit(scope="otp-alert", key=phone_index, rate="1/d")
    except RateLimited:
        return
    logger.warning("login code locked after %d wrong guesses (phone %s…)", OTP_MAX_ATTEMPTS, phone_index[:8])
    sms_send(
        kind="security",
        phone=phone,
        text="【安心】您的登录验证码被多次输入错误，已锁定。如非本人操作，请勿向任何人透露验证码。",
    )


@transaction.atomic
def _customer_login_user(*, phone_index: str) -> User:

    customer = Customer.objects.select_for_update().get(phone_index=phone_index)
    if customer.user is None:
        user = User.objects.create(
            username=f"customer-{customer.pk}", role=Role.CUSTOMER, display_name=customer.name[:1] + "*"
        )
        user.set_unusable_password()
        user.save()
        customer.user = user
        customer.save(update_fields=["user", "updated_at"])
    return customer.user


@transaction.atomic
def customer_messages_set(*, customer: Customer, language: str, opted_out: bool) -> Customer:
    """The language of the customer's messages and whether they get the non-essential ones."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationFailed(gettext("不支持该语言"), field="language")
    customer.language, customer.messages_opted_out = language, opted_out
    customer.full_clean(exclude=["name", "phone", "email", "address", "user"])
    customer.save(update_fields=["language", "messages_opted_out", "updated_at"])
    return customer
