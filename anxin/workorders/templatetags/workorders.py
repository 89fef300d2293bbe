from django import template

from anxin.workorders import presenters
from anxin.workorders.choices import AttentionReason, Event, Status
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
