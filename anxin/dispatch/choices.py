from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferState(models.TextChoices):
    PENDING = "pending", _("待接单")
    ACCEPTED = "accepted", _("已接单")
    DECLINED = "declined", _("已拒单")
    EXPIRED = "expired", _("超时未接")
    WITHDRAWN = "withdrawn", _("已撤回")


class EscalationReason(models.TextChoices):
    NOBODY_AVAILABLE = "nobody_available", _("无可派技师")
    ALL_DECLINED = "all_declined", _("技师均已拒单或超时")


class PlanTrigger(models.TextChoices):
    """Why a day plan was (re)computed; kept on the plan for the dispatcher and for debugging."""

    NEW_ORDER = "new_order", _("新工单")
    OFFER = "offer", _("派单/接单")
    CANCELLED = "cancelled", _("工单取消")
    TECHNICIAN = "technician", _("技师状态变化")
    OVERRUN = "overrun", _("现场超时")
    SLOT = "slot", _("客户预约")
    PIN = "pin", _("调度锁定")
    ORDER_EVENT = "order_event", _("工单事件")
    STALE = "stale", _("计划过期")
    MANUAL = "manual", _("手动")
