"""Turn orders into API/page data with customer data masked by default."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from anxin.core.masking import mask_address, mask_free_text, mask_name, mask_phone
from anxin.workorders.choices import CORRECTABLE_LABELS
from anxin.workorders.models import WorkOrder, WorkOrderEvent

# How each personal field of an order is masked wherever it is shown (pages, API, timeline).
MASKERS: dict[str, Callable[[str | None], str]] = {
    "contact_phone": mask_phone,
    "contact_name": mask_name,
    "service_address": mask_address,
    "description": mask_free_text,
}


def order_link_path(order: WorkOrder) -> str:
    """The path of the customer's order page with its key (the token is the only key needed)."""
    path = reverse("portal:track", kwargs={"number": order.number})
    return f"{path}?t={order.tracking_token}"


def tracking_url(order: WorkOrder) -> str:
    """The customer's link to their order's page, as sent in messages."""
    return f"{settings.ANXIN_PUBLIC_URL}{order_link_path(order)}"


def sla_rows(order: WorkOrder) -> list[dict]:
    return [
        {
            "kind": c.kind,
            "state": c.state,
            "started_at": c.started_at,
            "due_at": c.due_at,
            "finished_at": c.finished_at,
        }
        for c in order.sla_clocks.all()
    ]


def order_summary(order: WorkOrder) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "priority": order.priority,
        "channel": order.channel,
        # Unmatched brand/category are the customer's own words: phone and ID numbers masked.
        "brand": order.brand.name if order.brand else (mask_free_text(order.brand_text) or None),
        "category": order.category.name if order.category else (mask_free_text(order.category_text) or None),
        "contact_name": mask_name(order.contact_name),
        "contact_phone": mask_phone(order.contact_phone),
        "county_code": order.county_code,
        "in_warranty": order.in_warranty,
        "attention": list(order.attention),
        "technician": str(order.technician) if order.technician else None,
        "created_at": order.created_at,
        "sla": sla_rows(order),
    }


def _details(event: WorkOrderEvent) -> dict:
    try:
        details = json.loads(event.details) if event.details else {}
    except ValueError:
        return {}
    return details if isinstance(details, dict) else {}


def event_changes(event: WorkOrderEvent) -> list[dict[str, str]]:
    """A correction's fields with old and new values, personal ones masked as everywhere else."""
    rows = []
    for change in _details(event).get("changes", []):
        field = str(change.get("field", ""))
        mask = MASKERS.get(field, lambda value: value or "")
        rows.append(
            {
                "field": field,
                "label": str(CORRECTABLE_LABELS.get(field, field)),
                "old": mask(str(change.get("old", ""))),
                "new": mask(str(change.get("new", ""))),
            }
        )
    return rows


def event_report(event: WorkOrderEvent) -> str:
    """What a linked duplicate request said (masked): it stays on the order's timeline."""
    return mask_free_text(str(_details(event).get("description", "")))


def event_row(event: WorkOrderEvent) -> dict:
    return {
        "event": event.event,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": event.actor_label or (str(event.actor) if event.actor else "system"),
        "note": event.note,
        "changes": [{k: c[k] for k in ("field", "old", "new")} for c in event_changes(event)],
        "created_at": event.created_at,
    }


def order_detail(order: WorkOrder, events: list[WorkOrderEvent]) -> dict:
    return {
        **order_summary(order),
        "service_address": mask_address(order.service_address),
        "description": mask_free_text(order.description),
        "township_code": order.township_code,
        "preferred_time": mask_free_text(order.preferred_time),
        "appointment_start": order.appointment_start,
        "appointment_end": order.appointment_end,
        "version": order.updated_at.isoformat(),
        "timeline": [event_row(e) for e in events],
    }
