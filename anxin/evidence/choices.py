from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimType(models.TextChoices):
    REFUND_ONLY = "refund_only", _("仅退款")
    RETURN_REFUND = "return_refund", _("退货退款")
    REPAIR = "repair", _("维修")
    REPLACEMENT = "replacement", _("换货")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ANALYZING = "analyzing", _("证据分析中")
    REVIEW = "review", _("待商家审核")
    MORE_EVIDENCE = "more_evidence", _("待补充证据")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已拒绝")
    REPAIR_PROPOSED = "repair_proposed", _("建议维修")
    REPLACEMENT_PROPOSED = "replacement_proposed", _("建议换货")
    APPEALED = "appealed", _("买家申诉中")
    CLOSED = "closed", _("已结案")


class EvidenceKind(models.TextChoices):
    CLAIM_PHOTO = "claim_photo", _("申请照片")
    CLAIM_VIDEO = "claim_video", _("申请视频")
    SHIPPING_PHOTO = "shipping_photo", _("发货照片")
    SHIPPING_VIDEO = "shipping_video", _("发货视频")
    LISTING_PHOTO = "listing_photo", _("商品主图")


class Risk(models.TextChoices):
    PENDING = "pending", _("分析中")
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("拒绝")
    ASK_MORE = "ask_more", _("要求补充证据")
    PROPOSE_REPAIR = "propose_repair", _("建议维修")
    PROPOSE_REPLACEMENT = "propose_replacement", _("建议换货")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交申请")
    EVIDENCE_ADDED = "evidence_added", _("上传证据")
    ANALYZED = "analyzed", _("证据分析完成")
    DECIDED = "decided", _("商家处理")
    AUTO_APPROVED = "auto_approved", _("自动同意")
    APPEALED = "appealed", _("买家申诉")
    REMINDED = "reminded", _("催办提醒")
    ARBITRATED = "arbitrated", _("平台仲裁")


DECISION_STATUS = {
    Decision.APPROVE: ClaimStatus.APPROVED,
    Decision.REJECT: ClaimStatus.REJECTED,
    Decision.ASK_MORE: ClaimStatus.MORE_EVIDENCE,
    Decision.PROPOSE_REPAIR: ClaimStatus.REPAIR_PROPOSED,
    Decision.PROPOSE_REPLACEMENT: ClaimStatus.REPLACEMENT_PROPOSED,
}
# Where a merchant may decide; an appeal is decided by the platform only.
DECIDABLE = {ClaimStatus.SUBMITTED, ClaimStatus.ANALYZING, ClaimStatus.REVIEW, ClaimStatus.MORE_EVIDENCE}
APPEALABLE = {ClaimStatus.REJECTED, ClaimStatus.REPAIR_PROPOSED, ClaimStatus.REPLACEMENT_PROPOSED}
