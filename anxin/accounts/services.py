from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anxin.accounts.choices import Role
from anxin.accounts.models import ApiToken, OneTimeCode, User
from anxin.catalog.models import Brand
from anxin.core.exceptions import Conflict, ValidationFailed
from anxin.core.masking import normalize_phone
from anxin.core.ratelimit import ratelimit_hit

OTP_TTL = dt.timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5


@transaction.atomic
def api_token_create(*, name: str, role: str, brand_codes: list[str] | None = None) -> str:
    """Create a service user with `role` and a bearer token for it; returns the token (shown once)."""
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role '{role}'", field="role")
    if not name.strip():
        raise ValidationFailed("A token needs a name", field="name")
    if ApiToken.objects.filter(name=name).exists():
        raise Conflict(f"A token named '{name}' already exists", field="name")
    brands = list(Brand.objects.filter(code__in=brand_codes or []))
    missing = set(brand_codes or []) - {b.code for b in brands}
    if missing:
        raise ValidationFailed(f"Unknown brand code(s): {', '.join(sorted(missing))}", field="brand")
    user, _ = User.objects.get_or_create(
        username=f"api:{name}", defaults={"role": role, "display_name": name}
    )
    user.set_unusable_password()
    user.save()
    user.brands.set(brands)
    token = "ax_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(name=name, user=user, token_hash=ApiToken.hash_token(token), prefix=token[:8])
    return token


def _code_hash(code: str, phone_index: str) -> str:
    return ApiToken.hash_token(f"{phone_index}:{code}")


def otp_request(*, phone: str, client_key: str) -> None:
    """Text a 6-digit login code to a known customer's phone. Unknown phones get no code but the same answer."""
    from django.conf import settings

    from anxin.customers.models import Customer
    from anxin.customers.services import phone_blind_index
    from anxin.notifications.services import sms_send

    normalized = normalize_phone(phone)
    if not 7 <= len(normalized) <= 15:
        raise ValidationFailed("Enter a valid phone number", field="phone")
    ratelimit_hit(scope="otp", key=client_key, rate=settings.ANXIN_OTP_RATE)
    ratelimit_hit(scope="otp-phone", key=phone_blind_index(normalized), rate=settings.ANXIN_OTP_RATE)
    index = phone_blind_index(normalized)
    if not Customer.objects.filter(phone_index=index).exists():
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.create(
        phone_index=index, code_hash=_code_hash(code, index), expires_at=timezone.now() + OTP_TTL
    )
    sms_send(
        kind="otp", phone=normalized, text=f"【安心】您的登录验证码是 {code}，5分钟内有效。请勿告诉他人。"
    )


def otp_verify(*, phone: str, code: str) -> User:
    """Check a code; on success return (creating if needed) the customer's login user."""
    from anxin.customers.services import phone_blind_index

    # Not one transaction: a wrong guess must stay counted when we raise.
    index = phone_blind_index(normalize_phone(phone))
    otp = (
        OneTimeCode.objects.filter(phone_index=index, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if otp is None or otp.attempts >= OTP_MAX_ATTEMPTS:
        raise ValidationFailed("The code has expired; request a new one", field="code", code="code_expired")
    if not hmac.compare_digest(otp.code_hash, _code_hash(code.strip(), index)):
        OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
        raise ValidationFailed("The code is not correct", field="code", code="code_wrong")
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise ValidationFailed(
            "The code was already used; request a new one", field="code", code="code_expired"
        )
    return _customer_login_user(phone_index=index)


@transaction.atomic
def _customer_login_user(*, phone_index: str) -> User:
    from anxin.customers.models import Customer

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
