from django import template
from django.utils.translation import gettext_lazy as _

from anxin.workorders import presenters
from anxin.workorders.choices import AttentionReason, Channel, Event, Status
from anxin.workorders.models import WorkOrderEvent

register = template.Library()

_STATUS = dict(Status.choices)
_EVENT = dict(Event.choices)
_ATTENTION = dict(AttentionReason.choices)


@register.filter
def status_label(value: str) -> str:
    return str(_STATUS.get(value, value))


@register.filter
def event_label(value: str) -> str:
    return str(_EVENT.get(value, value))


@register.filter
def attention_label(value: str) -> str:
    return str(_ATTENTION.get(value, value))


@register.filter
def event_changes(event: WorkOrderEvent) -> list[dict[str, str]]:
    """A correction's fields, old → new, personal ones masked."""
    return presenters.event_changes(event)


@register.filter
def event_report(event: WorkOrderEvent) -> str:
    """What a linked duplicate request said, masked."""
    return presenters.event_report(event)


_CHANNEL = dict(Channel.choices)
# Actors without a user, as the services store them (stable values), in the reader's language.
_SYSTEM_ACTORS = {
    "system": _("系统"),
    "dispatch": _("自动派单"),
    "customer (tracking link)": _("客户（进度链接）"),
}


@register.filter
def event_actor(event: WorkOrderEvent) -> str:
    """Who recorded a timeline entry: the user, or a channel or the system in words."""
    label = event.actor_label
    if label.endswith(" channel") and label.removesuffix(" channel") in _CHANNEL:
        return str(_CHANNEL[label.removesuffix(" channel")])
    if label in _SYSTEM_ACTORS:
        return str(_SYSTEM_ACTORS[label])
    return label or str(event.actor or _SYSTEM_ACTORS["system"])
