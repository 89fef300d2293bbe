"""Statuses and kinds of anxin.trust."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BadgeStatus(models.TextChoices):
    """What /verify/ says about a scanned badge token."""

    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    FORGED = "forged", _("无效（伪造或被篡改）")
    INACTIVE = "inactive", _("技师已停用")
    NOT_ASSIGNED = "not_assigned", _("工单已不由该技师负责")
    OTHER_ORDER = "other_order", _("不是您这张工单的技师")


class ChannelKind(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网址")
    WECHAT = "wechat", _("微信公众号")


class WhereSeen(models.TextChoices):
    SEARCH = "search", _("搜索引擎")
    MAP = "map", _("地图应用")
    CALL = "call", _("来电")
    SMS = "sms", _("短信")
    SOCIAL = "social", _("社交媒体或群聊")
    FLYER = "flyer", _("小广告或贴纸")
    OTHER = "other", _("其他")


class SuspectStatus(models.TextChoices):
    NEW = "new", _("待审核")
    CONFIRMED = "confirmed", _("确认为假冒")
    DISMISSED = "dismissed", _("已排除")


# Kinds a member of the public may report (a WeChat account is reported by its name as a web address).
REPORTABLE_KINDS = (ChannelKind.PHONE, ChannelKind.WEB)
