"""The visit's vocabularies: kinds of visit and checklist item, severities, photo roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    INSPECTION = "inspection", _("上门检测")
    SECURITY = "security", _("安全性评估")


class ItemKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("合格/不合格")
    READING = "reading", _("读数")
    CHOICE = "choice", _("选项")
    PHOTO = "photo", _("拍照")
    TEXT = "text", _("文字")


class Severity(models.TextChoices):
    NONE = "none", _("无")
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    CRITICAL = "critical", _("严重")


# A finding's weight in the risk score: a critical finding (a gas leak) counts ten low ones.
SEVERITY_WEIGHT: dict[str, int] = {
    Severity.NONE: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 3,
    Severity.HIGH: 6,
    Severity.CRITICAL: 10,
}


class InspectionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    COMPLETED = "completed", _("已完成")


class PhotoRole(models.TextChoices):
    BEFORE = "before", _("维修前")
    AFTER = "after", _("维修后")
    ITEM = "item", _("检测项")


class NoSignatureReason(models.TextChoices):
    """Why the customer did not sign the completion (recorded instead of a signature)."""

    CUSTOMER_ABSENT = "customer_absent", _("客户不在场")
    REFUSED = "refused", _("客户拒绝签字")
