from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, FaultCode, ProductCategory, ProductModel
from anxin.core.fields import EncryptedTextField
from anxin.core.i18n import localized_name
from anxin.core.models import TimestampedModel
from anxin.visits.choices import (
    InspectionStatus,
    ItemKind,
    NoSignatureReason,
    PhotoRole,
    Severity,
    VisitKind,
)
from anxin.workorders.models import Attachment, WorkOrder


class ChecklistTemplate(TimestampedModel):
    """One version of a checklist (燃气热水器上门检测 v2) for a category, optionally one brand or model.

    Versions share a ``key``; a new version is a new row with its own items, so an inspection done on
    version 1 keeps reading version 1's items, limits and wording. A version with inspections is frozen.
    """

    key = models.SlugField(max_length=60, verbose_name=_("模板标识"), help_text=_("各版本共用"))
    version = models.PositiveSmallIntegerField(default=1, verbose_name=_("版本"))
    kind = models.CharField(
        max_length=12, choices=VisitKind.choices, default=VisitKind.INSPECTION, verbose_name=_("类型")
    )
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="checklists", verbose_name=_("品类")
    )
    brand = models.ForeignKey(
        Brand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklists",
        verbose_name=_("品牌"),
        help_text=_("留空则适用于所有品牌"),
    )
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklists",
        verbose_name=_("型号"),
        help_text=_("留空则适用于所有型号"),
    )
    name = models.CharField(max_length=120, verbose_name=_("名称"))
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True, db_default="")
    active = models.BooleanField(
        default=True, verbose_name=_("启用"), help_text=_("新检测使用启用的最新版本")
    )

    class Meta:
        ordering = ["category__name", "key", "-version"]
        verbose_name = _("检测清单模板")
        verbose_name_plural = _("检测清单模板")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="uniq_checklist_key_version")]

    def __str__(self) -> str:
        return f"{localized_name(self.name, self.name_en)} v{self.version}"


class ChecklistItem(models.Model):
    """One line of a checklist version: what to check, how it is answered, and what failing it means."""

    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="items", verbose_name=_("模板")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("顺序"))
    code = models.SlugField(max_length=40, verbose_name=_("项目编码"))
    label = models.CharField(max_length=200, verbose_name=_("检测项目"))
    label_en = models.CharField(_("英文名称"), max_length=200, blank=True, db_default="")
    hint = models.CharField(max_length=300, blank=True, verbose_name=_("操作提示"))
    kind = models.CharField(max_length=12, choices=ItemKind.choices, verbose_name=_("类型"))
    unit = models.CharField(max_length=20, blank=True, verbose_name=_("单位"))
    min_value = models.DecimalField(
        max_digits=10, decimal_places=3, null=True, blank=True, verbose_name=_("允许下限")
    )
    max_value = models.DecimalField(
        max_digits=10, decimal_places=3, null=True, blank=True, verbose_name=_("允许上限")
    )
    options = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("选项"),
        help_text=_('选项列表：[{"value": "none", "label": "无", "label_en": "None", "fails": false}]'),
    )
    required = models.BooleanField(default=True, verbose_name=_("必填"))
    severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.NONE, verbose_name=_("风险等级")
    )
    fix = models.CharField(max_length=300, blank=True, verbose_name=_("建议处理"))
    fix_en = models.CharField(_("建议处理（英文）"), max_length=300, blank=True, db_default="")

    class Meta:
        ordering = ["template", "position", "id"]
        verbose_name = _("检测项目")
        verbose_name_plural = _("检测项目")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="uniq_checklist_item_code")]

    def __str__(self) -> str:
        return localized_name(self.label, self.label_en)


class Inspection(models.Model):
    """One run of a checklist version on an order's device (an inspection or a security assessment).

    Filled item by item on the technician's phone; once completed nothing in it changes.
    """

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("工单")
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("模板版本")
    )
    kind = models.CharField(max_length=12, choices=VisitKind.choices, verbose_name=_("类型"))
    status = models.CharField(
        max_length=12,
        choices=InspectionStatus.choices,
        default=InspectionStatus.IN_PROGRESS,
        verbose_name=_("状态"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("检测人")
    )
    started_at = models.DateTimeField(verbose_name=_("开始时间"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))

    class Meta:
        ordering = ["order", "started_at", "id"]
        verbose_name = _("检测记录")
        verbose_name_plural = _("检测记录")
        constraints = [
            # One open run per order and kind: a second "start" resumes it instead of forking it.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(status="in_progress"),
                name="uniq_open_inspection_per_order_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} #{self.pk}"


class InspectionResult(models.Model):
    """The answer to one item of one inspection; ``failed`` and ``out_of_range`` are judged when recorded,
    against the item's own version, so later edits of a template never re-judge an old visit."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="results", verbose_name=_("检测记录")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("检测项目")
    )
    passed = models.BooleanField(null=True, blank=True, verbose_name=_("合格"))
    number = models.DecimalField(
        max_digits=10, decimal_places=3, null=True, blank=True, verbose_name=_("读数")
    )
    choice = models.CharField(max_length=40, blank=True, verbose_name=_("选项"))
    text = EncryptedTextField(
        blank=True, verbose_name=_("文字记录"), help_text=_("可能含客户家中情况：加密存储")
    )
    out_of_range = models.BooleanField(default=False, verbose_name=_("超出范围"))
    failed = models.BooleanField(default=False, verbose_name=_("不合格"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(verbose_name=_("记录时间"))

    class Meta:
        ordering = ["inspection", "item__position", "item_id"]
        verbose_name = _("检测结果")
        verbose_name_plural = _("检测结果")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="uniq_result_per_item")]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.item_id}"


class VisitPhoto(models.Model):
    """A photo taken on the visit: before or after the repair, or the evidence for one checklist item.

    The picture itself is an order ``Attachment`` (re-encoded, hashed, original name encrypted), so the
    order's one attachment view serves it to whoever may see the order.
    """

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="visit_photos", verbose_name=_("工单")
    )
    attachment = models.OneToOneField(
        Attachment, on_delete=models.PROTECT, related_name="visit_photo", verbose_name=_("附件")
    )
    role = models.CharField(max_length=10, choices=PhotoRole.choices, verbose_name=_("用途"))
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("检测记录"),
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("检测项目"),
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("拍摄人")
    )
    created_at = models.DateTimeField(verbose_name=_("时间"))

    class Meta:
        ordering = ["order", "created_at", "id"]
        verbose_name = _("上门照片")
        verbose_name_plural = _("上门照片")

    def __str__(self) -> str:
        return f"{self.order_id} {self.role} {self.attachment_id}"


class Diagnosis(models.Model):
    """What the technician found wrong: fault codes from the brand's table and the cause in his words
    (encrypted: it describes the customer's home and use). One per order; corrected until completion."""

    order = models.OneToOneField(
        WorkOrder, on_delete=models.CASCADE, related_name="diagnosis", verbose_name=_("工单")
    )
    fault_codes = models.ManyToManyField(
        FaultCode, blank=True, related_name="diagnoses", verbose_name=_("故障代码")
    )
    cause = EncryptedTextField(blank=True, verbose_name=_("故障原因"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(verbose_name=_("记录时间"))

    class Meta:
        verbose_name = _("诊断")
        verbose_name_plural = _("诊断")

    def __str__(self) -> str:
        return f"diagnosis of {self.order_id}"


class SignOff(models.Model):
    """The customer's sign-off at completion: the signature drawn on the technician's phone (PNG, stored
    encrypted with its SHA-256), or the recorded reason why there is none. One per completion: a reopened
    order is signed off again, so the gate reads the latest row after the last reopening."""

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("工单")
    )
    signature_png = EncryptedTextField(blank=True, verbose_name=_("签名图片（base64，加密）"))
    signature_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("签名摘要"))
    no_signature_reason = models.CharField(
        max_length=20, choices=NoSignatureReason.choices, blank=True, verbose_name=_("未签字原因")
    )
    note = EncryptedTextField(blank=True, verbose_name=_("说明"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    signed_at = models.DateTimeField(verbose_name=_("时间"))

    class Meta:
        ordering = ["order", "-signed_at", "-pk"]
        verbose_name = _("完工确认")
        verbose_name_plural = _("完工确认")
        constraints = [
            # Either a signature or a reason: never a sign-off that says nothing.
            models.CheckConstraint(
                condition=~models.Q(signature_sha256="", no_signature_reason=""),
                name="visits_signoff_signature_or_reason",
            )
        ]

    def __str__(self) -> str:
        return f"sign-off of {self.order_id}"
