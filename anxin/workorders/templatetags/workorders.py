from django import template

from anxin.workorders.choices import AttentionReason, Event, Status

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
