"""What we tell a customer at each milestone, in their language, and when we may tell them.

The texts are gettext strings (Chinese source, English in the catalogue) rendered in the customer's
language, not the language of whoever caused the event. Each kind says whether it is *essential*
(sent even to a customer who opted out: they need it to get their repair or their money) and
whether it is *urgent* (sent during quiet hours: the technician is at the door). Everything else
written between 21:00 and 08:00 waits, as a durable job, for 08:00.

This module knows nothing of orders or claims (it sits below them): callers pass plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MessageKind:
    code: str  # Notification.kind
    template: Promise
    essential: bool
    urgent: bool
    # Messages telling the customer a technician is coming end with the anti-fraud reminder (issue #13):
    # fake repairmen ask for a transfer to a personal account, just when the customer expects a visit.
    payment_reminder: bool = False


_SIGNATURE = _("【安心】")
_PAYMENT_REMINDER = _("平台从不要求向个人账户付款。")

KINDS: dict[str, MessageKind] = {
    k.code: k
    for k in (
        # Receipts answer the customer's own request at once, night or day (urgent).
        MessageKind(
            "ack",
            _("您的报修已受理，工单号 %(number)s。我们将在30分钟内为您确认技师。进度：%(link)s"),
            essential=True,
            urgent=True,
            payment_reminder=True,
        ),
        MessageKind(
            "ack_after_hours",
            _(
                "您的报修已受理，工单号 %(number)s。现在是非工作时间，技师 %(when)s 上班后将优先为您安排。"
                "进度：%(link)s"
            ),
            essential=True,
            urgent=True,
            payment_reminder=True,
        ),
        MessageKind(
            "ack_linked",
            _("您的报修已合并到处理中的工单 %(number)s，无需重复提交。进度：%(link)s"),
            essential=True,
            urgent=True,
        ),
        MessageKind(
            "accepted",
            _("您的工单 %(number)s 已由技师%(technician)s接单，上门时间 %(window)s。进度：%(link)s"),
            essential=True,
            urgent=False,
            payment_reminder=True,
        ),
        MessageKind(
            "en_route",
            _(
                "技师%(technician)s已出发前往您处（工单 %(number)s），到场验证码 %(code)s，请在技师到场时告诉他。进度：%(link)s"
            ),
            essential=False,
            urgent=True,
            payment_reminder=True,
        ),
        MessageKind(
            "arriving",
            _("技师%(technician)s约 %(minutes)s 分钟后到达（工单 %(number)s）。实时位置：%(link)s"),
            essential=False,
            urgent=True,
        ),
        MessageKind(
            "arrived",
            _("技师%(technician)s已到达（工单 %(number)s），请核对工号后开门。核验：%(link)s"),
            essential=False,
            urgent=True,
            payment_reminder=True,
        ),
        MessageKind(
            "completed",
            _("工单 %(number)s 已完工，感谢您的信任。如有问题请查看：%(link)s"),
            essential=False,
            urgent=False,
        ),
        MessageKind(
            "claim_decided",
            _("您的售后申请 %(number)s 已处理：%(decision)s。详情：%(link)s"),
            essential=True,
            urgent=False,
        ),
    )
}


def message_render(*, kind: str, language: str, **params: str) -> str:
    """The text of ``kind`` in ``language`` (an unknown language falls back to the default)."""
    known = {code for code, _name in settings.LANGUAGES}
    with translation.override(language if language in known else settings.LANGUAGE_CODE):
        spec = KINDS[kind]
        # After a space: the texts end with a link, which phones would otherwise run into the reminder.
        reminder = " " + str(_PAYMENT_REMINDER) if spec.payment_reminder else ""
        return str(_SIGNATURE) + str(spec.template) % params + reminder


def quiet_hours_end(*, at: dt.datetime) -> dt.datetime | None:
    """The end of the quiet period ``at`` falls in (local time), or None outside quiet hours."""
    start, end = settings.ANXIN_QUIET_HOURS_START, settings.ANXIN_QUIET_HOURS_END
    if start == end:  # configured off
        return None
    local = timezone.localtime(at)
    in_evening = local.hour >= start
    if not in_evening and local.hour >= end:
        return None
    day = local.date() + dt.timedelta(days=1) if in_evening else local.date()
    return dt.datetime.combine(day, dt.time(end), tzinfo=local.tzinfo)


@dataclass(frozen=True)
class Delivery:
    """Whether to send a message and from when (``not_before`` None: at once)."""

    send: bool
    not_before: dt.datetime | None = None


def message_delivery(*, kind: str, opted_out: bool, at: dt.datetime) -> Delivery:
    """Apply the customer's opt-out and the quiet hours to one message of ``kind``."""
    spec = KINDS[kind]
    if opted_out and not spec.essential:
        return Delivery(send=False)
    return Delivery(send=True, not_before=None if spec.urgent else quiet_hours_end(at=at))
