from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def report_file_name(instance: ServiceReport, filename: str) -> str:
    """A random name under private media: the order number is not in the path (media is never served)."""
    del instance, filename
    return f"reports/{secrets.token_hex(16)}.pdf"


class ServiceReport(models.Model):
    """One issued version of an order's service report (PDF), with the SHA-256 of the exact file.

    Versions are append-only: a report generated again after the order changed is a new row and a new
    file; an issued file is never overwritten, so the hash a customer was given keeps matching it.
    """

    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        related_name="service_reports",
        verbose_name=_("工单"),
    )
    version = models.PositiveIntegerField(verbose_name=_("版本"))
    file = models.FileField(upload_to=report_file_name, max_length=200, verbose_name=_("文件"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    size = models.PositiveIntegerField(verbose_name=_("大小（字节）"))
    # What the report was made from: the order's last timeline row. A newer row means the report is stale.
    last_event_id = models.BigIntegerField(default=0, verbose_name=_("依据的最后记录"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("生成人"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("生成时间"))

    class Meta:
        verbose_name = _("服务报告")
        verbose_name_plural = _("服务报告")
        ordering = ["order", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["order", "version"], name="reports_one_row_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} v{self.version}"
