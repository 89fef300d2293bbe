"""Price lists (收费标准) per brand, quotes built only from their lines, approvals, payments and refunds.

Money is yuan in DecimalField(10, 2). Every change of money is a row: a quote line keeps the list price
it was built from, an approval keeps the exact lines it approved (and their SHA-256), a payment and each
refund of it are rows of their own. Nothing here edits an amount that was already agreed or paid.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, FaultCode, ProductCategory
from anxin.core.fields import EncryptedTextField
from anxin.core.i18n import localized_name
from anxin.core.models import TimestampedModel
from anxin.parts.models import Part
from anxin.pricing.choices import (
    AnswerMethod,
    Decision,
    LineKind,
    PaymentMethod,
    PaymentStatus,
    QuoteStatus,
)

MONEY: dict[str, Any] = {
    "max_digits": 10,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0"))],
}


class PriceList(models.Model):
    """One version of a brand's published price list, in force from ``effective_from``.

    A new price is a new version, never an edit of the one quotes were built from: a quote points at
    the version it used, and its lines copied the amounts.
    """

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="price_lists", verbose_name=_("品牌")
    )
    version = models.PositiveIntegerField(verbose_name=_("版本"))
    effective_from = models.DateField(verbose_name=_("生效日期"))
    published = models.BooleanField(default=True, verbose_name=_("已发布"))
    visit_fee_on_decline = models.BooleanField(
        default=True,
        verbose_name=_("拒绝报价仍收上门费"),
        help_text=_("客户拒绝维修报价时，是否仍需支付上门检测费"),
    )
    note = models.CharField(max_length=200, blank=True, verbose_name=_("说明"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["brand__name", "-effective_from", "-version"]
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        constraints = [models.UniqueConstraint(fields=["brand", "version"], name="uniq_price_list_version")]

    def __str__(self) -> str:
        return f"{self.brand} v{self.version} ({self.effective_from})"


class PriceLine(models.Model):
    """One charge of a price list: the visit fee of a category, the labour of a fault code, a part's
    price (overriding its list price), or a distance band (km_from ≤ km < km_to)."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="lines", verbose_name=_("收费标准")
    )
    kind = models.CharField(max_length=12, choices=LineKind.choices, verbose_name=_("类型"))
    category = models.ForeignKey(
        ProductCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("品类"),
        help_text=_("上门费必填；远程费留空则适用于所有品类"),
    )
    fault_code = models.ForeignKey(
        FaultCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("故障代码"),
    )
    part = models.ForeignKey(
        Part, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("配件")
    )
    km_from = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("起始公里"))
    km_to = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("截止公里"), help_text=_("不含；留空表示以上")
    )
    amount = models.DecimalField(**MONEY, verbose_name=_("金额（元）"))
    covered_by_warranty = models.BooleanField(
        default=True,
        verbose_name=_("保修范围内"),
        help_text=_("工时费：该故障是否属于保修范围（如人为损坏则否，保修期内也需付费）"),
    )

    class Meta:
        ordering = ["price_list", "kind", "category", "km_from", "pk"]
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label()} ¥{self.amount}"

    def label(self) -> str:
        if self.kind == LineKind.LABOUR and self.fault_code_id:
            return str(self.fault_code)
        if self.kind == LineKind.PART and self.part_id:
            return str(self.part)
        if self.kind == LineKind.DISTANCE:
            upper = f"{self.km_to}" if self.km_to is not None else "∞"
            return f"{self.km_from or 0}–{upper} km"
        return str(self.category) if self.category_id else ""


class Quote(TimestampedModel):
    """The price of one visit: either "in warranty, nothing to pay" or lines copied from the price list.

    ``revision`` goes up with every change of the lines; an approval is valid only for the revision it
    signed, so a changed quote needs a new approval.
    """

    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("工单")
    )
    price_list = models.ForeignKey(
        PriceList,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
        verbose_name=_("收费标准"),
    )
    fault_code = models.ForeignKey(
        FaultCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("故障代码"),
    )
    in_warranty = models.BooleanField(default=False, verbose_name=_("保内"))
    warranty_basis = models.CharField(max_length=200, blank=True, verbose_name=_("保修判定依据"))
    distance_km = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("上门距离（公里）"))
    status = models.CharField(max_length=12, choices=QuoteStatus.choices, verbose_name=_("状态"))
    revision = models.PositiveIntegerField(default=1, verbose_name=_("修订号"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("报价")
        verbose_name_plural = _("报价")

    def __str__(self) -> str:
        return f"quote {self.pk} r{self.revision} of order {self.order_id}"


class PriceOverride(models.Model):
    """A supervisor let a quote line go above the list price: who, why, when (the customer sees it)."""

    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    reason = models.CharField(max_length=300, verbose_name=_("原因"))
    list_unit_price = models.DecimalField(**MONEY, verbose_name=_("标准单价"))
    unit_price = models.DecimalField(**MONEY, verbose_name=_("批准单价"))
    # Written once with the line's new price and never edited: a creation time, no updated_at.
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("批准时间"))

    class Meta:
        verbose_name = _("超标准价批准")
        verbose_name_plural = _("超标准价批准")

    def __str__(self) -> str:
        return f"override {self.list_unit_price}→{self.unit_price} by {self.approved_by}"


class QuoteLine(models.Model):
    """One line of a quote, copied from a price-list line (or a part's list price) when it was added."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("报价"))
    kind = models.CharField(max_length=12, choices=LineKind.choices, verbose_name=_("类型"))
    price_line = models.ForeignKey(
        PriceLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("收费项目"),
    )
    fault_code = models.ForeignKey(
        FaultCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("故障代码"),
    )
    part = models.ForeignKey(
        Part, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("配件")
    )
    part_code = models.CharField(
        max_length=80, blank=True, verbose_name=_("配件防伪码"), help_text=_("序列号管理的配件必填")
    )
    description = models.CharField(max_length=200, verbose_name=_("项目"))
    quantity = models.PositiveSmallIntegerField(default=1, verbose_name=_("数量"))
    list_unit_price = models.DecimalField(**MONEY, verbose_name=_("标准单价"))
    unit_price = models.DecimalField(**MONEY, verbose_name=_("单价"))
    override = models.OneToOneField(
        PriceOverride,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="line",
        verbose_name=_("超标准价批准"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("添加人"),
    )
    # Its one edit, a supervisor's override, is dated by the override row and the quote's new revision.
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("添加时间"))

    class Meta:
        ordering = ["quote", "pk"]
        verbose_name = _("报价明细")
        verbose_name_plural = _("报价明细")

    def __str__(self) -> str:
        return f"{self.description} ×{self.quantity} ¥{self.unit_price}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def label(self) -> str:
        return localized_name(self.description, "")


class Approval(models.Model):
    """The customer's answer to one revision of a quote, with exactly what they answered.

    ``content`` is the canonical JSON of the quote as shown (lines, totals, price list) and
    ``content_sha256`` its hash; the signature PNG is the customer's and is stored encrypted.
    A change of the quote sets ``invalidated_at``: the answer no longer counts.
    """

    quote = models.ForeignKey(
        Quote, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("报价")
    )
    revision = models.PositiveIntegerField(verbose_name=_("报价修订号"))
    decision = models.CharField(max_length=10, choices=Decision.choices, verbose_name=_("答复"))
    method = models.CharField(max_length=10, choices=AnswerMethod.choices, verbose_name=_("方式"))
    content = models.TextField(verbose_name=_("确认内容（规范 JSON）"))
    content_sha256 = models.CharField(max_length=64, verbose_name=_("内容摘要 SHA-256"))
    total = models.DecimalField(**MONEY, verbose_name=_("合计（元）"))
    signature_png = EncryptedTextField(blank=True, verbose_name=_("签名图片（base64，加密）"))
    signature_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("签名摘要"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("记录人"),
        help_text=_("现场签名时为技师；客户登录答复时为客户；短信链接答复时为空"),
    )
    actor_label = models.CharField(max_length=80, verbose_name=_("答复人"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("备注"))
    decided_at = models.DateTimeField(verbose_name=_("答复时间"))
    invalidated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("失效时间"))
    invalidated_reason = models.CharField(max_length=200, blank=True, verbose_name=_("失效原因"))

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("客户确认")
        verbose_name_plural = _("客户确认")

    def __str__(self) -> str:
        return f"{self.decision} of quote {self.quote_id} r{self.revision}"


class Payment(models.Model):
    """Money the customer paid for an order (cash or through the payment provider); refunds are rows below."""

    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="payments", verbose_name=_("工单")
    )
    quote = models.ForeignKey(
        Quote, on_delete=models.PROTECT, related_name="payments", verbose_name=_("报价")
    )
    receipt_number = models.CharField(max_length=24, unique=True, verbose_name=_("收据号"))
    amount = models.DecimalField(**MONEY, verbose_name=_("金额（元）"))
    method = models.CharField(max_length=10, choices=PaymentMethod.choices, verbose_name=_("支付方式"))
    provider = models.CharField(max_length=60, blank=True, verbose_name=_("支付渠道"))
    provider_reference = models.CharField(max_length=80, blank=True, verbose_name=_("渠道流水号"))
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, verbose_name=_("状态"))
    lines = models.JSONField(default=list, verbose_name=_("收费明细"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    # Its one change, pending → paid (or failed), is stamped by paid_at; refunds are rows of their own.
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("支付时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("收款")
        verbose_name_plural = _("收款")

    def __str__(self) -> str:
        return f"{self.receipt_number} ¥{self.amount}"


class Refund(models.Model):
    """A full or partial refund of one payment: how much, why, who, when. Never more than was paid."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("收款")
    )
    amount = models.DecimalField(**MONEY, verbose_name=_("金额（元）"))
    reason = models.CharField(max_length=300, verbose_name=_("原因"))
    provider_reference = models.CharField(max_length=80, blank=True, verbose_name=_("渠道流水号"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("退款时间"))  # never edited

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("退款")
        verbose_name_plural = _("退款")

    def __str__(self) -> str:
        return f"refund ¥{self.amount} of {self.payment_id}"
