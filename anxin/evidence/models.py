"""Refund and damage claims, their evidence files, analysis results and an immutable timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.core.models import TimestampedModel
from anxin.evidence.choices import ClaimStatus, ClaimType, Decision, EventKind, EvidenceKind, Risk


class RefundRule(TimestampedModel):
    """A brand's policy for one claim type: what evidence is required, deadlines, and when a
    claim may be approved without a person (never when any analysis signal is medium or high)."""

    brand = models.ForeignKey(
        "catalog.Brand", on_delete=models.CASCADE, related_name="refund_rules", verbose_name=_("品牌")
    )
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices, verbose_name=_("申请类型"))
    required_kinds = models.JSONField(
        default=list, help_text="evidence kinds that must be present", verbose_name=_("必需证据类型")
    )
    min_claim_photos = models.PositiveSmallIntegerField(default=1, verbose_name=_("最少照片数"))
    claim_deadline_days = models.PositiveSmallIntegerField(
        default=7, help_text="days after delivery", verbose_name=_("申请期限（天）")
    )
    appeal_days = models.PositiveSmallIntegerField(default=3, verbose_name=_("申诉期限（天）"))
    merchant_response_hours = models.PositiveSmallIntegerField(
        default=48, help_text="to decide a claim in review", verbose_name=_("商家响应时限（小时）")
    )
    evidence_response_days = models.PositiveSmallIntegerField(
        default=3, help_text="for the buyer to add evidence", verbose_name=_("补充证据时限（天）")
    )
    auto_approve = models.BooleanField(default=False, verbose_name=_("自动通过"))
    auto_approve_max_amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, verbose_name=_("自动通过金额上限")
    )

    class Meta:
        verbose_name = _("退款规则")
        verbose_name_plural = _("退款规则")
        constraints = [
            models.UniqueConstraint(fields=["brand", "claim_type"], name="evidence_rule_brand_type")
        ]

    def __str__(self) -> str:
        return f"{self.brand_id}:{self.claim_type}"


class Claim(TimestampedModel):
    """A buyer's request to be refunded, or to have an item repaired or replaced, for one order line."""

    number = models.CharField(max_length=20, unique=True, verbose_name=_("申请编号"))
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices, verbose_name=_("申请类型"))
    status = models.CharField(
        max_length=24, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED, verbose_name=_("状态")
    )
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.PENDING, verbose_name=_("风险"))
    buyer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="claims", verbose_name=_("买家")
    )
    brand = models.ForeignKey(
        "catalog.Brand", on_delete=models.PROTECT, related_name="claims", verbose_name=_("品牌")
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("产品型号"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
        verbose_name=_("关联工单"),
    )
    order_number = models.CharField(
        max_length=64, help_text="the shop's purchase order number", verbose_name=_("订单号")
    )
    order_line = models.CharField(max_length=64, blank=True, verbose_name=_("订单行"))
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2, verbose_name=_("实付金额"))
    amount_claimed = models.DecimalField(max_digits=10, decimal_places=2, verbose_name=_("申请金额"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签收时间"))
    description = EncryptedTextField(
        blank=True, help_text="the buyer's own words: personal data", verbose_name=_("描述")
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("处理时间"))
    appeal_deadline = models.DateTimeField(null=True, blank=True, verbose_name=_("申诉截止"))
    respond_by = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="whoever must act next, by then",
        verbose_name=_("响应截止"),
    )
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("提醒时间"))

    class Meta:
        verbose_name = _("售后申请")
        verbose_name_plural = _("售后申请")
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self) -> str:
        return self.number


class EvidenceFile(models.Model):
    """One uploaded file, kept byte for byte as received: its hash and receive time are the proof.

    Listing photos belong to a product model (claim is empty); the rest belong to a claim. The
    perceptual hash and its four 16-bit chunks form the reuse index (multi-index hashing).
    """

    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("售后申请"),
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listing_files",
        verbose_name=_("产品型号"),
    )
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices, verbose_name=_("证据类型"))
    file = models.FileField(upload_to="evidence/%Y/%m/", verbose_name=_("文件"))
    filename = models.CharField(max_length=200, verbose_name=_("文件名"))
    content_type = models.CharField(max_length=100, blank=True, verbose_name=_("内容类型"))
    size = models.PositiveBigIntegerField(verbose_name=_("大小（字节）"))
    sha256 = models.CharField(max_length=64, db_index=True, verbose_name=_("SHA-256"))
    received_at = models.DateTimeField(auto_now_add=True, verbose_name=_("接收时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    phash = models.BigIntegerField(null=True, blank=True, verbose_name=_("感知哈希"))
    dhash = models.BigIntegerField(null=True, blank=True, verbose_name=_("差异哈希"))
    phash_c0 = models.IntegerField(null=True, blank=True, db_index=True, verbose_name=_("感知哈希分段 0"))
    phash_c1 = models.IntegerField(null=True, blank=True, db_index=True, verbose_name=_("感知哈希分段 1"))
    phash_c2 = models.IntegerField(null=True, blank=True, db_index=True, verbose_name=_("感知哈希分段 2"))
    phash_c3 = models.IntegerField(null=True, blank=True, db_index=True, verbose_name=_("感知哈希分段 3"))

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")

    def __str__(self) -> str:
        return f"{self.kind}:{self.sha256[:12]}"


class EvidenceAnalysis(models.Model):
    """The engine's report on one image: every signal, the risk it adds up to, and the heat map."""

    file = models.OneToOneField(
        EvidenceFile, on_delete=models.CASCADE, related_name="analysis", verbose_name=_("文件")
    )
    risk = models.CharField(max_length=10, choices=Risk.choices, verbose_name=_("风险"))
    signals = models.JSONField(default=dict, verbose_name=_("检测信号"))
    heatmap = models.FileField(upload_to="evidence/heatmaps/%Y/%m/", blank=True, verbose_name=_("热力图"))
    engine_seconds = models.FloatField(default=0, verbose_name=_("分析耗时（秒）"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("证据分析")
        verbose_name_plural = _("证据分析")

    def __str__(self) -> str:
        return f"{self.file_id}:{self.risk}"


class ClaimEvent(models.Model):
    """One row per thing that happened to a claim; never updated or deleted (the timeline)."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="events", verbose_name=_("售后申请")
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices, verbose_name=_("事件"))
    old_status = models.CharField(max_length=24, blank=True, verbose_name=_("原状态"))
    new_status = models.CharField(max_length=24, blank=True, verbose_name=_("新状态"))
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True, verbose_name=_("决定"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    reason = models.TextField(blank=True, verbose_name=_("原因"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("数据"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("售后申请记录")
        verbose_name_plural = _("售后申请记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.kind}"
