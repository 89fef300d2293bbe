from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LineKind(models.TextChoices):
    """What a price-list line (and a quote line copied from it) charges for."""

    VISIT_FEE = "visit_fee", _("上门费")
    LABOUR = "labour", _("维修工时费")
    PART = "part", _("配件")
    DISTANCE = "distance", _("远程费")


class QuoteStatus(models.TextChoices):
    IN_WARRANTY = "in_warranty", _("保内免费")
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("待客户确认")
    APPROVED = "approved", _("客户已同意")
    DECLINED = "declined", _("客户已拒绝")


class Decision(models.TextChoices):
    APPROVED = "approved", _("同意")
    DECLINED = "declined", _("拒绝")


class AnswerMethod(models.TextChoices):
    ON_SITE = "on_site", _("现场在技师手机上签名")
    LINK = "link", _("通过短信链接")
    ACCOUNT = "account", _("客户登录后答复")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("现金")
    PROVIDER = "provider", _("在线支付")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待支付")
    PAID = "paid", _("已支付")
    FAILED = "failed", _("支付失败")


class PriceState(models.TextChoices):
    """Where an order stands on price, for the completion gate and the report (selector order_price_state)."""

    NONE = "none", _("未报价")
    IN_WARRANTY = "in_warranty", _("保内免费")
    DRAFT = "draft", _("报价草稿")
    AWAITING = "awaiting", _("待客户确认")
    APPROVED = "approved", _("报价已同意")
    DECLINED = "declined", _("报价已拒绝")
