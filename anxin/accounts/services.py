from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from anxin.accounts.choices import Role
from anxin.accounts.models import ApiToken, User
from anxin.catalog.models import Brand
from anxin.core.exceptions import Conflict, ValidationFailed

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, name: str, role: str, brand_codes: list[str] | None = None) -> str:
    """Create a service user with `role` and a bearer token for it; returns the token (shown once)."""
    if role not in Role.values:
        raise ValidationFailed(gettext("未知的角色「%(role)s」") % {"role": role}, field="role")
    if not name.strip():
        raise ValidationFailed(gettext("令牌需要一个名称"), field="name")
    if ApiToken.objects.filter(name=name).exists():
        raise Conflict(gettext("名为「%(name)s」的令牌已存在") % {"name": name}, field="name")
    brands = list(Brand.objects.filter(code__in=brand_codes or []))
    missing = set(brand_codes or []) - {b.code for b in brands}
    if missing:
        raise ValidationFailed(
            gettext("未知的品牌代码：%(codes)s") % {"codes": ", ".join(sorted(missing))}, field="brand"
        )
    user, _ = User.objects.get_or_create(
        username=f"api:{name}", defaults={"role": role, "display_name": name}
    )
    user.set_unusable_password()
    user.save()
    user.brands.set(brands)
    token = "ax_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(name=name, user=user, token_hash=ApiToken.hash_token(token), prefix=token[:8])
    return token


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
