"""Hooks the order pages include: the live panel, the arrive form, the masked number, the board's alerts."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from anxin.accounts.models import User
from anxin.live.selectors import arrival_alerts_open_for, call_number_for, latest_eta_minutes
from anxin.live.services import arrival_code_for
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

register = template.Library()

# The code matters from the moment a technician has the job until he is in.
CODE_SHOWN = {Status.TECHNICIAN_ACCEPTED, Status.EN_ROUTE}


@register.inclusion_tag("live/order_panel.html", takes_context=True)
def live_order_panel(context: dict[str, Any], order: WorkOrder) -> dict[str, Any]:
    """The customer's order page (tracking link or /my/): code, ETA, number to call, live socket."""
    request: HttpRequest = context["request"]
    token = request.GET.get("t", "")
    return {
        "order": order,
        "socket": f"/ws/orders/{order.number}/" + (f"?t={order.tracking_token}" if token else ""),
        "code": arrival_code_for(order=order).code if order.status in CODE_SHOWN else "",
        "eta_minutes": latest_eta_minutes(order=order),
        "call_number": call_number_for(order=order),
    }


@register.simple_tag
def live_tel(order: WorkOrder, fallback: str) -> str:
    """The technician card's call link: the order's virtual number when bound, else the hotline relay."""
    number = call_number_for(order=order)
    return f"tel:{number}" if number else fallback


@register.inclusion_tag("live/arrive_form.html")
def live_arrive_form(order: WorkOrder, csrf_token: str) -> dict[str, Any]:
    return {"order": order, "csrf_token": csrf_token}


@register.inclusion_tag("live/board_alerts.html")
def live_board_alerts(user: User) -> dict[str, Any]:
    return {"alerts": list(arrival_alerts_open_for(actor=user)[:20])}


@register.inclusion_tag("live/socket.html")
def live_socket(url: str = "/ws/board/") -> dict[str, Any]:
    """A page that refreshes its htmx region (``data-live-refresh``) when an order in scope changes."""
    return {"socket": url}
