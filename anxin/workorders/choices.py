from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ACCEPTED = "accepted", _("已确认")
    DISPATCHED = "dispatched", _("已派单")
    TECHNICIAN_ACCEPTED = "technician_accepted", _("技师已接单")
    EN_ROUTE = "en_route", _("技师在途")
    ON_SITE = "on_site", _("技师到场")
    DIAGNOSED = "diagnosed", _("已检测")
    AWAITING_APPROVAL = "awaiting_approval", _("待客户确认报价")
    IN_REPAIR = "in_repair", _("维修中")
    COMPLETED = "completed", _("已完工")
    FOLLOWED_UP = "followed_up", _("已回访")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已取消")
    REOPENED = "reopened", _("已重开")


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.TECHNICIAN_ACCEPTED,
        Status.EN_ROUTE,
        Status.ON_SITE,
        Status.DIAGNOSED,
        Status.AWAITING_APPROVAL,
        Status.IN_REPAIR,
        Status.REOPENED,
    }
)
# Confirmed but no technician has taken the job yet: not dispatched, or offered and not accepted.
WAITING_FOR_TECHNICIAN = frozenset({Status.ACCEPTED, Status.DISPATCHED})
# Status filter values that stand for a group of statuses (the lists and their key figures link to them).
STATUS_GROUPS: dict[str, frozenset[Status]] = {"open": OPEN_STATUSES, "waiting": WAITING_FOR_TECHNICIAN}


class Event(models.TextChoices):
    """The one vocabulary of the order timeline (``WorkOrderEvent.event``) and of the outbox.

    The first group are the transitions of the state machine (``TRANSITION_EVENTS``); the rest are
    timeline entries that do not change the status. Stored values never change: rows keep them.
    """

    ACCEPT = "accept", _("确认受理")
    DISPATCH = "dispatch", _("派单")
    TECHNICIAN_ACCEPT = "technician_accept", _("技师接单")
    TECHNICIAN_DECLINE = "technician_decline", _("技师拒单")
    WITHDRAW = "withdraw", _("撤回派单")
    DEPART = "depart", _("出发")
    ARRIVE = "arrive", _("到场")
    DIAGNOSE = "diagnose", _("完成检测")
    REQUEST_APPROVAL = "request_approval", _("提交报价")
    START_REPAIR = "start_repair", _("开始维修")
    COMPLETE = "complete", _("完工")
    FOLLOW_UP = "follow_up", _("回访")
    CLOSE = "close", _("关闭")
    CANCEL = "cancel", _("取消")
    REOPEN = "reopen", _("重开")
    # Timeline entries that are not transitions (labels as the timeline shows them).
    CREATED = "created", _("工单已创建")
    LINKED_REQUEST = "linked_request", _("收到同一设备的重复报修，已合并到本工单")
    APPOINTMENT_SET = "appointment_set", _("已预约上门时间")
    CUSTOMER_CONTACTED = "customer_contacted", _("已联系客户")
    SLA_PAUSED = "sla_paused", _("时效暂停")
    SLA_RESUMED = "sla_resumed", _("时效恢复")
    DISPATCH_ESCALATED = "dispatch_escalated", _("无人接单，已转调度员处理")
    DISPATCH_PINNED = "dispatch_pinned", _("调度员锁定派单")
    DISPATCH_UNPINNED = "dispatch_unpinned", _("调度员解除锁定")
    CORRECTED = "corrected", _("工单信息已更正")
    COVERAGE_FOUND = "coverage_found", _("服务范围调整，已有网点覆盖")
    REPORT_ISSUED = "report_issued", _("已出具服务报告")
    VIDEO_RECORDED = "video_recorded", _("已保存上门录像")  # anxin.live: the note carries its SHA-256


# The events that move an order through the state machine, in the order above (buttons list them so).
TRANSITION_EVENTS: tuple[Event, ...] = (
    Event.ACCEPT,
    Event.DISPATCH,
    Event.TECHNICIAN_ACCEPT,
    Event.TECHNICIAN_DECLINE,
    Event.WITHDRAW,
    Event.DEPART,
    Event.ARRIVE,
    Event.DIAGNOSE,
    Event.REQUEST_APPROVAL,
    Event.START_REPAIR,
    Event.COMPLETE,
    Event.FOLLOW_UP,
    Event.CLOSE,
    Event.CANCEL,
    Event.REOPEN,
)
TRANSITION_EVENT_VALUES = frozenset(e.value for e in TRANSITION_EVENTS)


class Priority(models.TextChoices):
    """How urgent the order is: weighs lateness in dispatch and may select an SLA policy."""

    NORMAL = "normal", _("普通")
    URGENT = "urgent", _("加急")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("热线")
    WEB = "web", _("网页/手机表单")
    EMAIL = "email", _("邮件")
    API = "api", _("App/合作方接口")
    SOCIAL = "social", _("社交/IM")


class AttentionReason(models.TextChoices):
    """Why an order needs an agent's look before it can go on by itself."""

    UNKNOWN_BRAND = "unknown_brand", _("品牌未识别")
    UNKNOWN_CATEGORY = "unknown_category", _("品类未识别")
    ADDRESS_UNRESOLVED = "address_unresolved", _("地址无法解析")
    OUT_OF_COVERAGE = "out_of_coverage", _("超出服务范围")
    ADDRESS_MISSING = "address_missing", _("缺少地址")
    NAME_MISSING = "name_missing", _("缺少姓名")
    DESCRIPTION_MISSING = "description_missing", _("缺少故障描述")
    PHONE_MISSING = "phone_missing", _("缺少电话")


# The fields an order correction may change (workorders.services.OrderValues), as the timeline names them.
CORRECTABLE_LABELS = {
    "contact_name": _("联系人"),
    "contact_phone": _("电话"),
    "service_address": _("地址"),
    "brand": _("品牌"),
    "category": _("品类"),
    "product_model": _("型号"),
    "description": _("故障描述"),
    "appointment_start": _("预约开始"),
    "appointment_end": _("预约结束"),
}
# Their values are personal data: shown masked, kept only in the event's encrypted details.
PERSONAL_FIELDS = frozenset({"contact_name", "contact_phone", "service_address", "description"})
