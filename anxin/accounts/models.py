from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.accounts.choices import Role


class User(AbstractUser):
    """Anyone who signs in: staff with a password, customers with a one-time code, API clients by token.

    ``brands`` scopes brand staff (and optionally API partners) to their brands' orders.
    """

    role = models.CharField(
        max_length=20, choices=Role.choices, default=Role.CUSTOMER, verbose_name=_("角色")
    )
    display_name = models.CharField(max_length=60, blank=True, verbose_name=_("显示名称"))
    brands = models.ManyToManyField(
        "catalog.Brand", blank=True, related_name="staff", verbose_name=_("所属品牌")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for the brand's app or a partner; only its SHA-256 is stored."""

    name = models.CharField(max_length=80, unique=True, verbose_name=_("名称"))
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("令牌摘要"))
    prefix = models.CharField(max_length=8, verbose_name=_("令牌前缀"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("最近使用时间"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("吊销时间"))

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class OneTimeCode(models.Model):
    """A login code sent by SMS to a customer's phone; keyed by the phone's blind index."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")

    def __str__(self) -> str:
        return f"OTP {self.phone_index[:8]}… until {self.expires_at:%H:%M}"
