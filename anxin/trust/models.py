"""Official channels, suspected fake channels and the public's reports of them (see apps.py).

A badge token is stateless (signed, short-lived: see services.badge_token_issue), so it has no table.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.core.models import TimestampedModel
from anxin.trust.choices import ChannelKind, SuspectStatus, WhereSeen


class OfficialChannel(TimestampedModel):
    """A phone number, web address or WeChat account that the platform or a brand publishes.

    Brands' hotlines are also on ``catalog.Brand.hotline`` and the platform's in ``ANXIN_HOTLINE``; rows
    here add the others (web sites, extra numbers). ``normalized`` is what lookups compare: digits for
    a phone, host and path for a web address (services.channel_normalize), set by the service and admin.
    """

    brand = models.ForeignKey(
        "catalog.Brand",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="official_channels",
        help_text=_("留空表示安心平台自己的渠道"),
        verbose_name=_("品牌"),
    )
    kind = models.CharField(max_length=10, choices=ChannelKind.choices, verbose_name=_("类型"))
    value = models.CharField(max_length=200, verbose_name=_("号码或地址"))
    normalized = models.CharField(max_length=200, editable=False, db_index=True, verbose_name=_("规范形式"))
    label = models.CharField(max_length=100, blank=True, verbose_name=_("说明"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        verbose_name = _("官方渠道")
        verbose_name_plural = _("官方渠道")
        ordering = ["brand_id", "kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "normalized"], name="trust_channel_unique_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class SuspectChannel(TimestampedModel):
    """One reported number or address: the reports about it grouped, and the staff's verdict.

    The value is stored encrypted (it may be someone's private number) and found by its blind index.
    ``brand`` is the brand it pretends to be, when the reporter or a lookalike check says so; brand
    staff review their brands' suspects, platform admins all of them.
    """

    kind = models.CharField(max_length=10, choices=ChannelKind.choices, verbose_name=_("类型"))
    value = EncryptedTextField(verbose_name=_("号码或地址"))
    value_index = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("盲索引"))
    brand = models.ForeignKey(
        "catalog.Brand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("冒充的品牌"),
    )
    status = models.CharField(
        max_length=10, choices=SuspectStatus.choices, default=SuspectStatus.NEW, verbose_name=_("状态")
    )
    report_count = models.PositiveIntegerField(default=0, verbose_name=_("举报次数"))
    first_reported_at = models.DateTimeField(verbose_name=_("首次举报"))
    last_reported_at = models.DateTimeField(db_index=True, verbose_name=_("最近举报"))

    class Meta:
        verbose_name = _("疑似假冒渠道")
        verbose_name_plural = _("疑似假冒渠道")
        ordering = ["-last_reported_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


def screenshot_path(instance: FakeChannelReport, filename: str) -> str:
    """A random name: the reporter's file name never reaches the disk."""
    suffix = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"trust/reports/{secrets.token_hex(12)}{suffix}"


class FakeChannelReport(models.Model):
    """One member of the public's report of a suspected fake channel; free text and contact encrypted."""

    suspect = models.ForeignKey(
        SuspectChannel, on_delete=models.CASCADE, related_name="reports", verbose_name=_("疑似假冒渠道")
    )
    where_seen = models.CharField(max_length=10, choices=WhereSeen.choices, verbose_name=_("在哪里看到"))
    note = EncryptedTextField(blank=True, verbose_name=_("补充说明"))
    contact = EncryptedTextField(blank=True, verbose_name=_("举报人联系方式"))
    screenshot = models.FileField(upload_to=screenshot_path, blank=True, verbose_name=_("截图"))
    screenshot_type = models.CharField(max_length=20, blank=True, verbose_name=_("截图类型"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("举报人账号"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("举报时间"))

    class Meta:
        verbose_name = _("假冒渠道举报")
        verbose_name_plural = _("假冒渠道举报")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report {self.pk} of suspect {self.suspect_id}"


class SuspectChannelEvent(models.Model):
    """A staff verdict on a suspect (status change), kept as a row: who decided what, when."""

    suspect = models.ForeignKey(
        SuspectChannel, on_delete=models.CASCADE, related_name="events", verbose_name=_("疑似假冒渠道")
    )
    from_status = models.CharField(max_length=10, choices=SuspectStatus.choices, verbose_name=_("原状态"))
    to_status = models.CharField(max_length=10, choices=SuspectStatus.choices, verbose_name=_("新状态"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("时间"))

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.suspect_id}: {self.from_status} -> {self.to_status}"
