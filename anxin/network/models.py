"""Service points (网点), their technicians with skills and shifts, and the divisions each point covers.

The tables predate this app (dispatch and areas created them), so each model names its table; the
migrations that moved the models here changed Django's state only, never a row.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.areas.choices import DivisionLevel
from anxin.core.i18n import localized_name
from anxin.core.models import CurrentTransactionId, TimestampedModel
from anxin.network.choices import TechnicianStatus


class ServicePoint(TimestampedModel):
    """A repair shop (网点) that serves some brands and categories in an area."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("名称"))
    name_en = models.CharField(
        _("英文名称"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_("语言为英文时显示；留空则显示中文名称"),
    )
    address = models.CharField(max_length=200, blank=True, verbose_name=_("地址"))
    county_code = models.CharField(max_length=6, blank=True, db_index=True, verbose_name=_("区县代码"))
    latitude = models.FloatField(null=True, blank=True, verbose_name=_("纬度"))
    longitude = models.FloatField(null=True, blank=True, verbose_name=_("经度"))
    phone = models.CharField(max_length=30, blank=True, verbose_name=_("电话"))
    open_24h = models.BooleanField(default=False, verbose_name=_("24 小时营业"))
    opening_hours = models.CharField(
        max_length=100, blank=True, help_text="e.g. 08:30-12:00,13:30-18:00", verbose_name=_("营业时间")
    )
    brands = models.ManyToManyField(
        "catalog.Brand", blank=True, related_name="service_points", verbose_name=_("服务品牌")
    )
    categories = models.ManyToManyField(
        "catalog.ProductCategory", blank=True, related_name="service_points", verbose_name=_("服务品类")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        db_table = "dispatch_servicepoint"  # created by dispatch before this app existed
        ordering = ["name"]
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")

    def __str__(self) -> str:
        return localized_name(self.name, self.name_en)


def _default_certifications() -> list[str]:
    return []


def technician_photo_path(instance: Technician, filename: str) -> str:
    """A random name: the uploader's file name never reaches the disk (it may name a person)."""
    suffix = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"technicians/{secrets.token_hex(12)}{suffix}"


class Technician(TimestampedModel):
    """A field technician; signs in as a user with the technician role.

    Skills are brand × category (both M2M). The shift, lunch break and job cap feed the day plan;
    the live status and last known location come from the technician's phone.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="technician",
        verbose_name=_("登录账号"),
    )
    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="technicians", verbose_name=_("服务网点")
    )
    employee_no = models.CharField(
        max_length=20, unique=True, help_text="shown to customers to verify a visit", verbose_name=_("工号")
    )
    brands = models.ManyToManyField(
        "catalog.Brand", blank=True, related_name="technicians", verbose_name=_("可修品牌")
    )
    categories = models.ManyToManyField(
        "catalog.ProductCategory", blank=True, related_name="technicians", verbose_name=_("可修品类")
    )
    certifications = models.JSONField(
        default=_default_certifications,
        blank=True,
        help_text="e.g. 电工证, 高处作业证 (free text list)",
        verbose_name=_("资质证书"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    # Shown on the digital badge and, to whoever scans a valid badge token, on /verify/ (anxin.trust).
    # Set through network.services.technician_photo_set, which re-encodes it (no EXIF, bounded size).
    photo = models.FileField(
        upload_to=technician_photo_path, max_length=100, blank=True, verbose_name=_("工牌照片")
    )
    # Where the day starts and ends; None: at the service point.
    home_latitude = models.FloatField(null=True, blank=True, verbose_name=_("住址纬度"))
    home_longitude = models.FloatField(null=True, blank=True, verbose_name=_("住址经度"))
    shift_start = models.TimeField(default=dt.time(8, 30), verbose_name=_("上班时间"))
    shift_end = models.TimeField(default=dt.time(18, 0), verbose_name=_("下班时间"))
    work_days = models.CharField(
        max_length=7,
        default="123456",
        help_text="ISO weekdays worked: 1 = Monday … 7 = Sunday",
        verbose_name=_("工作日"),
    )
    break_earliest = models.TimeField(
        default=dt.time(11, 30), help_text="lunch may start from", verbose_name=_("休息最早开始")
    )
    break_latest = models.TimeField(
        default=dt.time(13, 0), help_text="lunch must start by", verbose_name=_("休息最晚开始")
    )
    break_minutes = models.PositiveSmallIntegerField(
        default=45, help_text="0: no break", verbose_name=_("休息时长（分钟）")
    )
    max_jobs_per_day = models.PositiveSmallIntegerField(default=8, verbose_name=_("每日最多工单"))
    status = models.CharField(
        max_length=12,
        choices=TechnicianStatus.choices,
        default=TechnicianStatus.AVAILABLE,
        verbose_name=_("状态"),
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("状态变更时间"))
    available_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="running late: not free before this time today",
        verbose_name=_("可接单时间"),
    )
    last_latitude = models.FloatField(null=True, blank=True, verbose_name=_("最近位置纬度"))
    last_longitude = models.FloatField(null=True, blank=True, verbose_name=_("最近位置经度"))
    last_located_at = models.DateTimeField(null=True, blank=True, verbose_name=_("最近定位时间"))

    class Meta:
        verbose_name = _("技师")
        verbose_name_plural = _("技师")
        db_table = "dispatch_technician"  # created by dispatch before this app existed
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return f"{self.user} ({self.employee_no})"


class CoverageArea(TimestampedModel):
    """One division a service point covers, or with ``exclude`` carves out of a larger one it covers.

    Divisions themselves are packaged data (``anxin.areas.tree``), so ``division_code`` is a code, not a foreign
    key. The most specific entry wins: covering 达州市 but excluding 通川区 leaves 通川区 out, and including one
    township of 通川区 puts that township back in.
    """

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("服务网点")
    )
    division_code = models.CharField(max_length=9, verbose_name=_("行政区划代码"))
    level = models.PositiveSmallIntegerField(choices=DivisionLevel.choices, verbose_name=_("区划级别"))
    name_path = models.CharField(
        max_length=120,
        help_text="names at import time, e.g. 四川省/达州市/通川区",
        verbose_name=_("区划名称"),
    )
    exclude = models.BooleanField(default=False, verbose_name=_("排除"))
    source_text = models.CharField(
        max_length=100, blank=True, help_text="the pasted text this came from", verbose_name=_("原始输入")
    )

    class Meta:
        verbose_name = _("覆盖区域")
        verbose_name_plural = _("覆盖区域")
        db_table = "areas_coveragearea"  # created by areas before this app existed
        ordering = ["division_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "division_code"], name="uniq_coverage_per_point"
            ),
        ]
        indexes = [models.Index(fields=["division_code"], name="areas_coverage_code_idx")]

    def __str__(self) -> str:
        sign = "−" if self.exclude else "+"
        return f"{self.service_point_id} {sign}{self.name_path}"


class CoverageChange(models.Model):
    """An outbox row: a service point's coverage changed (import or delete).

    Apps above network react to it (dispatch offers the out-of-coverage orders the new area now
    covers) by reading these rows after their own cursor (anxin.core.outbox), so network never
    calls upward and a lost wake-up only delays the reaction until the reader's next sweep.
    """

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="+", verbose_name=_("服务网点")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False, verbose_name=_("事务号"))

    class Meta:
        verbose_name = _("覆盖范围变更")
        verbose_name_plural = _("覆盖范围变更")
        indexes = [models.Index(fields=["txid", "id"], name="network_coverage_outbox_idx")]

    def __str__(self) -> str:
        return f"coverage of {self.service_point_id} changed at {self.created_at}"
