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
from anxin.accounts.models import ApiToken, OneTimeCode, User
from anxin.catalog.models import Brand
from anxin.core.exceptions import Conflict, RateLimited, ValidationFailed
from anxin.core.masking import normalize_phone
from anxin.core.ratelimit import (
    login_guard_check,
    login_guard_fail,
    login_guard_reset,
    rate_limited,
    ratelimit_hit,
)

logger = logging.getLogger(__name__)

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

    from anxin.customers.models import Customer
    from anxin.customers.services import phone_blind_index
    from anxin.notifications.services import sms_send

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
    from anxin.customers.services import phone_blind_index

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
    from anxin.accounts.forms import lockout_message

    exc = rate_limited(seconds)
    exc.detail = lockout_message(seconds)
    exc.field = "code"
    exc.code = "locked_out"
    return exc


def otp_lockout_alert(*, phone: str, phone_index: str) -> None:
    """Tell the phone's owner that someone is guessing their login codes (at most once a day)."""
    from anxin.notifications.services import sms_send

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


def login_lockout_alert(*, username: str, failures: int) -> None:
    """On the first lockout of a staff account, e-mail its owner (if the account exists and has one)."""
    from anxin.notifications.services import email_send

    if failures != settings.ANXIN_LOGIN_FREE_ATTEMPTS:
        return
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    logger.warning("password login locked for user id %s after %d failures", user.pk, failures)
    if user.email:
        email_send(
            kind="security",
            address=user.email,
            subject="【安心】账户登录已被暂时锁定",
            text=(
                f"您的账户 {user.username} 连续 {failures} 次密码错误，登录已被暂时锁定。"
                "如非本人操作，请尽快联系管理员并修改密码。"
            ),
        )


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
