from django.db import models
from django.utils.translation import gettext_lazy as _


class SlaKind(models.TextChoices):
    TECHNICIAN_CONFIRMED = "technician_confirmed", _("技师确认")
    CUSTOMER_CONTACTED = "customer_contacted", _("联系客户")
    ON_SITE = "on_site", _("上门")
    COMPLETED = "completed", _("完工")
    FOLLOWED_UP = "followed_up", _("回访")


class SlaState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("已达成")
    BREACHED = "breached", _("已超时")
    CANCELLED = "cancelled", _("已取消")


class PauseReason(models.TextChoices):
    WAITING_CUSTOMER = "waiting_customer", _("等待客户")
    WAITING_PARTS = "waiting_parts", _("等待配件")
    OTHER = "other", _("其他")


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("即将超时")
    BREACH = "breach", _("已超时，通知调度")
    ESCALATION = "escalation", _("超时升级，通知主管")
