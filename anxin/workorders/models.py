from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.core.models import CurrentTransactionId
from anxin.workorders.choices import Channel, Priority, Status


class OrderNumberCounter(models.Model):
    """Per-day sequence behind human-readable order numbers (WO20261123-000123)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("工单编号计数")
        verbose_name_plural = _("工单编号计数")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class WorkOrder(models.Model):
    """One repair request, whatever channel it came from, through to closing.

    Contact details, the service address and everything the customer wrote in their own
    words (description, brand/category as given, preferred time) are the customer's data:
    encrypted at rest, and phone/ID numbers inside free text are masked on display.
    ``attention`` lists why an agent must look at it (unknown brand, address not
    resolved…); such orders are kept and worked, never dropped.
    """

    number = models.CharField(max_length=20, unique=True, verbose_name=_("工单号"))
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.RECEIVED, db_index=True, verbose_name=_("状态")
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, verbose_name=_("来源渠道"))
    priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NORMAL, verbose_name=_("优先级")
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders", verbose_name=_("客户")
    )
    device = models.ForeignKey(
        "customers.Device",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("设备"),
    )
    brand = models.ForeignKey(
        "catalog.Brand",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("品牌"),
    )
    category = models.ForeignKey(
        "catalog.ProductCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("品类"),
    )
    brand_text = EncryptedTextField(
        blank=True, help_text="brand as the customer gave it", verbose_name=_("品牌（原文）")
    )
    category_text = EncryptedTextField(blank=True, verbose_name=_("品类（原文）"))
    contact_name = EncryptedTextField(blank=True, verbose_name=_("联系人"))
    contact_phone = EncryptedTextField(blank=True, verbose_name=_("联系电话"))
    service_address = EncryptedTextField(blank=True, verbose_name=_("服务地址"))
    description = EncryptedTextField(blank=True, verbose_name=_("故障描述"))
    county_code = models.CharField(max_length=6, blank=True, db_index=True, verbose_name=_("区县代码"))
    township_code = models.CharField(max_length=9, blank=True, verbose_name=_("乡镇代码"))
    in_warranty = models.BooleanField(null=True, verbose_name=_("在保"))
    preferred_time = EncryptedTextField(
        blank=True, help_text="as the customer said it", verbose_name=_("期望上门时间")
    )
    appointment_start = models.DateTimeField(
        null=True, blank=True, help_text="promised arrival window", verbose_name=_("预约开始")
    )
    appointment_end = models.DateTimeField(null=True, blank=True, verbose_name=_("预约结束"))
    attention = models.JSONField(default=list, blank=True, verbose_name=_("提醒事项"))
    technician = models.ForeignKey(
        "network.Technician",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("技师"),
    )
    service_point = models.ForeignKey(
        "network.ServicePoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("服务网点"),
    )
    tracking_token = models.CharField(max_length=32, unique=True, verbose_name=_("查询令牌"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(db_index=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "status"])]

    def __str__(self) -> str:
        return self.number


class WorkOrderEvent(models.Model):
    """An immutable timeline entry: a state transition, or a note such as a linked duplicate request."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("工单")
    )
    event = models.CharField(max_length=30, verbose_name=_("事件"))
    from_status = models.CharField(max_length=24, blank=True, verbose_name=_("原状态"))
    to_status = models.CharField(max_length=24, blank=True, verbose_name=_("新状态"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(
        max_length=80,
        blank=True,
        help_text="who, when there is no user (system, channel)",
        verbose_name=_("操作人名称"),
    )
    note = models.TextField(
        blank=True, help_text="never personal data: that goes in details", verbose_name=_("备注")
    )
    details = EncryptedTextField(
        blank=True,
        help_text="JSON, encrypted: a correction's old and new values, a linked request's description",
        verbose_name=_("详情"),
    )
    created_at = models.DateTimeField(db_index=True, verbose_name=_("时间"))
    # The writing transaction (PostgreSQL; 0 on SQLite): outbox readers go by (txid, id), see core.outbox.
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False, verbose_name=_("事务号"))

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["txid", "id"], name="workorders_event_outbox_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.event} {self.from_status}→{self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The timeline is evidence: rows are written once and never changed.
        if self.pk is not None:
            raise ValueError("work order events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("work order events are immutable")


class Attachment(models.Model):
    """A file that came with a request (email attachment, photo); stored with its hash, never altered.

    People name files after themselves and their ID cards: on disk the file has a random
    name, and the name it came with is encrypted in ``filename``.
    """

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        WorkOrderEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        help_text="the timeline entry it came with (a linked duplicate request)",
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = EncryptedTextField(help_text="the original name, without any folder part")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return f"attachment {self.pk} of {self.order_id}"
