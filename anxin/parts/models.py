from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, ProductModel
from anxin.core.i18n import localized_name
from anxin.core.models import TimestampedModel
from anxin.network.models import ServicePoint, Technician
from anxin.parts.choices import (
    AlertReason,
    CodeState,
    LocationKind,
    MoveKind,
    ReservationState,
    ReturnState,
)
from anxin.workorders.models import WorkOrder


class Part(TimestampedModel):
    """A genuine spare part in a brand's catalogue (原厂配件), priced at the brand's list price."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="parts", verbose_name=_("品牌"))
    part_number = models.CharField(max_length=40, verbose_name=_("配件编号"))
    name = models.CharField(max_length=120, verbose_name=_("名称"))
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True, db_default="")
    compatible_models = models.ManyToManyField(
        ProductModel, blank=True, related_name="parts", verbose_name=_("适用型号")
    )
    list_price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        verbose_name=_("指导价（元）"),
    )
    serialised = models.BooleanField(
        default=False,
        verbose_name=_("序列号管理"),
        help_text=_("每件配件带有品牌签发的防伪码，安装时必须扫码"),
    )
    return_required = models.BooleanField(
        default=False, verbose_name=_("旧件返厂"), help_text=_("换下的旧件须寄回品牌")
    )
    active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["brand__name", "part_number"]
        verbose_name = _("配件")
        verbose_name_plural = _("配件")
        constraints = [
            models.UniqueConstraint(fields=["brand", "part_number"], name="uniq_part_number_per_brand")
        ]

    def __str__(self) -> str:
        return f"{self.part_number} {localized_name(self.name, self.name_en)}"


class StockLocation(TimestampedModel):
    """Where parts are kept: a service point's warehouse or one technician's van (one of each at most)."""

    kind = models.CharField(max_length=12, choices=LocationKind.choices, verbose_name=_("类型"))
    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="stock_locations", verbose_name=_("服务网点")
    )
    # Set for a van only; the van's service point is the technician's (it scopes the dispatcher's view).
    technician = models.OneToOneField(
        Technician,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="van",
        verbose_name=_("技师"),
    )

    class Meta:
        ordering = ["service_point__name", "kind", "technician__employee_no"]
        verbose_name = _("库存地点")
        verbose_name_plural = _("库存地点")
        constraints = [
            models.UniqueConstraint(
                fields=["service_point"],
                condition=Q(kind=LocationKind.WAREHOUSE),
                name="uniq_warehouse_per_service_point",
            ),
            models.CheckConstraint(
                condition=Q(kind=LocationKind.WAREHOUSE, technician__isnull=True)
                | Q(kind=LocationKind.VAN, technician__isnull=False),
                name="stock_location_van_has_technician",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == LocationKind.VAN and self.technician is not None:
            return f"{_('车载')} {self.technician.employee_no}"
        return f"{self.service_point} {_('仓库')}"


class StockBalance(models.Model):
    """The running totals of one part at one location, changed only in the transaction that writes the
    ledger row, by a conditional UPDATE: the row is the lock that keeps stock from going negative.
    The ledger stays the truth (``stock_levels`` sums it); the CHECK constraints are the last guard."""

    location = models.ForeignKey(
        StockLocation, on_delete=models.PROTECT, related_name="balances", verbose_name=_("库存地点")
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="balances", verbose_name=_("配件"))
    on_hand = models.IntegerField(default=0, verbose_name=_("在库数量"))
    reserved = models.IntegerField(default=0, verbose_name=_("已预留数量"))

    class Meta:
        verbose_name = _("库存余额")
        verbose_name_plural = _("库存余额")
        constraints = [
            models.UniqueConstraint(fields=["location", "part"], name="uniq_balance_per_location_part"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="balance_reserved_not_negative"),
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("reserved")), name="balance_available_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} · {self.part.part_number}: {self.on_hand}"


class StockReservation(TimestampedModel):
    """Units of one part set aside at one location for one order; consumed on installation or released."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="part_reservations", verbose_name=_("工单")
    )
    location = models.ForeignKey(
        StockLocation, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("库存地点")
    )
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("配件")
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)], verbose_name=_("数量"))
    state = models.CharField(
        max_length=10,
        choices=ReservationState.choices,
        default=ReservationState.RESERVED,
        verbose_name=_("状态"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("预留人"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("配件预留")
        verbose_name_plural = _("配件预留")

    def __str__(self) -> str:
        return f"{self.order_id} · {self.part_id} × {self.quantity}"


class StockMove(models.Model):
    """One ledger row: how on-hand and reserved units of a part changed at one location, and why.
    Rows are never edited; a transfer writes two rows (out of one location, into the other)."""

    location = models.ForeignKey(
        StockLocation, on_delete=models.PROTECT, related_name="moves", verbose_name=_("库存地点")
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves", verbose_name=_("配件"))
    kind = models.CharField(max_length=16, choices=MoveKind.choices, verbose_name=_("类型"))
    on_hand_delta = models.IntegerField(verbose_name=_("在库变化"))
    reserved_delta = models.IntegerField(default=0, verbose_name=_("预留变化"))
    order = models.ForeignKey(
        WorkOrder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_moves",
        verbose_name=_("工单"),
    )
    reservation = models.ForeignKey(
        StockReservation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
        verbose_name=_("预留"),
    )
    counterpart = models.ForeignKey(
        StockLocation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("对方地点"),
    )
    reference = models.CharField(max_length=100, blank=True, verbose_name=_("单据号 / 原因"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("时间"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("库存流水")
        verbose_name_plural = _("库存流水")
        indexes = [models.Index(fields=["location", "part"], name="parts_move_location_part")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.part_id} {self.on_hand_delta:+d}/{self.reserved_delta:+d}"


class PartCode(models.Model):
    """A brand-issued code printed (as a QR code) on one serialised part. Not personal data, so it is
    stored as issued, upper-case, under a unique index: the lookup on installation is one index probe."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("防伪码"))
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="part_codes", verbose_name=_("品牌")
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="codes", verbose_name=_("配件"))
    batch = models.CharField(max_length=40, blank=True, verbose_name=_("批次"))
    state = models.CharField(
        max_length=10, choices=CodeState.choices, default=CodeState.ISSUED, verbose_name=_("状态")
    )
    issued_at = models.DateTimeField(auto_now_add=True, verbose_name=_("签发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发人"),
    )

    class Meta:
        ordering = ["-issued_at", "code"]
        verbose_name = _("配件防伪码")
        verbose_name_plural = _("配件防伪码")
        indexes = [models.Index(fields=["part", "state"], name="parts_code_part_state")]

    def __str__(self) -> str:
        return self.code


class PartInstallation(models.Model):
    """A part put into the customer's appliance on an order: the reservation it consumed, the genuine
    code scanned (serialised parts; at most once ever, by the unique key) and the removed part's serial."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="part_installations", verbose_name=_("工单")
    )
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="installations", verbose_name=_("配件")
    )
    reservation = models.OneToOneField(
        StockReservation, on_delete=models.PROTECT, related_name="installation", verbose_name=_("预留")
    )
    quantity = models.PositiveIntegerField(default=1, verbose_name=_("数量"))
    code = models.OneToOneField(
        PartCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="installation",
        verbose_name=_("防伪码"),
    )
    removed_serial = models.CharField(max_length=64, blank=True, verbose_name=_("旧件序列号"))
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("安装人")
    )
    installed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("安装时间"))

    class Meta:
        ordering = ["installed_at", "pk"]
        verbose_name = _("配件安装记录")
        verbose_name_plural = _("配件安装记录")

    def __str__(self) -> str:
        return f"{self.order_id} · {self.part_id}"


class PartCodeAlert(models.Model):
    """A refused code, flagged to the brand of the part it was scanned for: how counterfeits are caught."""

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="part_code_alerts", verbose_name=_("品牌")
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("配件"))
    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="part_code_alerts", verbose_name=_("工单")
    )
    technician = models.ForeignKey(
        Technician,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_code_alerts",
        verbose_name=_("技师"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("扫码人")
    )
    code = models.CharField(max_length=64, verbose_name=_("扫到的码"))
    reason = models.CharField(max_length=20, choices=AlertReason.choices, verbose_name=_("原因"))
    # An alert is a record of what was scanned, never edited: a creation time, no updated_at.
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("防伪码告警")
        verbose_name_plural = _("防伪码告警")

    def __str__(self) -> str:
        return f"{self.code} ({self.get_reason_display()})"


class PartReturn(TimestampedModel):
    """A removed part the brand wants back: pending until the service point ships it, then received."""

    installation = models.OneToOneField(
        PartInstallation, on_delete=models.PROTECT, related_name="part_return", verbose_name=_("安装记录")
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="part_returns", verbose_name=_("品牌")
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="returns", verbose_name=_("配件"))
    order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="part_returns", verbose_name=_("工单")
    )
    removed_serial = models.CharField(max_length=64, blank=True, verbose_name=_("旧件序列号"))
    state = models.CharField(
        max_length=10, choices=ReturnState.choices, default=ReturnState.PENDING, verbose_name=_("状态")
    )
    tracking_number = models.CharField(max_length=40, blank=True, verbose_name=_("快递单号"))
    shipped_at = models.DateTimeField(null=True, blank=True, verbose_name=_("寄出时间"))
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("寄出人"),
    )
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签收时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签收人"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("旧件返厂")
        verbose_name_plural = _("旧件返厂")

    def __str__(self) -> str:
        return f"{self.part_id} {self.removed_serial}"
