from django import template

from anxin.workorders.choices import Event, Status

register = template.Library()

_STATUS = dict(Status.choices)
_EVENT = dict(Event.choices)


@register.filter
def status_label(value: str) -> str:
    return str(_STATUS.get(value, value))


@register.filter
def event_label(value: str) -> str:
    return str(_EVENT.get(value, value))
