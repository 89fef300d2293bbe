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

    brand = models.ForeignKey("catalog.Brand", on_delete=models.CASCADE, related_name="refund_rules")
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    required_kinds = models.JSONField(default=list, help_text="evidence kinds that must be present")
    min_claim_photos = models.PositiveSmallIntegerField(default=1)
    claim_deadline_days = models.PositiveSmallIntegerField(default=7, help_text="days after delivery")
    appeal_days = models.PositiveSmallIntegerField(default=3)
    merchant_response_hours = models.PositiveSmallIntegerField(
        default=48, help_text="to decide a claim in review"
    )
    evidence_response_days = models.PositiveSmallIntegerField(
        default=3, help_text="for the buyer to add evidence"
    )
    auto_approve = models.BooleanField(default=False)
    auto_approve_max_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)

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

    number = models.CharField(max_length=20, unique=True)
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    status = models.CharField(max_length=24, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.PENDING)
    buyer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="claims")
    brand = models.ForeignKey("catalog.Brand", on_delete=models.PROTECT, related_name="claims")
    product_model = models.ForeignKey(
        "catalog.ProductModel", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    order_number = models.CharField(max_length=64, help_text="the shop's purchase order number")
    order_line = models.CharField(max_length=64, blank=True)
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2)
    amount_claimed = models.DecimalField(max_digits=10, decimal_places=2)
    delivered_at = models.DateTimeField(null=True, blank=True)
    description = EncryptedTextField(blank=True, help_text="the buyer's own words: personal data")
    decided_at = models.DateTimeField(null=True, blank=True)
    appeal_deadline = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="whoever must act next, by then"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

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

    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    product_model = models.ForeignKey(
        "catalog.ProductModel", null=True, blank=True, on_delete=models.PROTECT, related_name="listing_files"
    )
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(upload_to="evidence/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    phash = models.BigIntegerField(null=True, blank=True)
    dhash = models.BigIntegerField(null=True, blank=True)
    phash_c0 = models.IntegerField(null=True, blank=True, db_index=True)
    phash_c1 = models.IntegerField(null=True, blank=True, db_index=True)
    phash_c2 = models.IntegerField(null=True, blank=True, db_index=True)
    phash_c3 = models.IntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")

    def __str__(self) -> str:
        return f"{self.kind}:{self.sha256[:12]}"


class EvidenceAnalysis(models.Model):
    """The engine's report on one image: every signal, the risk it adds up to, and the heat map."""

    file = models.OneToOneField(EvidenceFile, on_delete=models.CASCADE, related_name="analysis")
    risk = models.CharField(max_length=10, choices=Risk.choices)
    signals = models.JSONField(default=dict)
    heatmap = models.FileField(upload_to="evidence/heatmaps/%Y/%m/", blank=True)
    engine_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证据分析")
        verbose_name_plural = _("证据分析")

    def __str__(self) -> str:
        return f"{self.file_id}:{self.risk}"


class ClaimEvent(models.Model):
    """One row per thing that happened to a claim; never updated or deleted (the timeline)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    old_status = models.CharField(max_length=24, blank=True)
    new_status = models.CharField(max_length=24, blank=True)
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("售后申请记录")
        verbose_name_plural = _("售后申请记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.kind}"
