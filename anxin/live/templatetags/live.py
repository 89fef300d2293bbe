"""Hooks the order pages include: the live panel, the arrive form, the masked number, the board's alerts."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest

from anxin.accounts.models import User
from anxin.live.selectors import arrival_alerts_open_for, call_number_for, latest_eta_minutes
from anxin.live.services import arrival_code_for
from anxin.live.video import VideoAccess, consent_current, recordings_of, video_access, video_live
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
        **live_video(context, order),  # the video card (live/video.html), included by the panel
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


def video_context(request: HttpRequest, access: VideoAccess) -> dict[str, Any]:
    """What the video widget needs (order page, technician's video page): socket, ICE servers, consent."""
    order = access.order
    query = f"?t={order.tracking_token}" if access.via_token else ""
    context: dict[str, Any] = {
        "video_order": order,
        "video_live": video_live(order),
        "video_role": "publisher" if access.publisher else "viewer",
        "video_socket": f"/ws/orders/{order.number}/video/{query}",
        "video_query": query,
        "ice_servers": settings.ANXIN_ICE_SERVERS,
        "consent": consent_current(order=order),
        "may_consent": access.via_token
        or (
            isinstance(request.user, User)
            and order.customer is not None
            and order.customer.user_id == request.user.pk
        ),
        "consent_open": order.status not in VIDEO_CLOSED,
        "recordings": list(recordings_of(order=order)),
        "next": request.get_full_path(),
    }
    # The player waits on the page from departure: the stream can start as soon as he is in.
    context["video_player"] = context["video_live"] or order.status == Status.EN_ROUTE
    context["video_show"] = bool(
        access.publisher
        or context["video_player"]
        or (context["may_consent"] and context["consent_open"])
        or context["recordings"]
    )
    return context


# After the visit nobody needs to answer any more; the recordings stay watchable.
VIDEO_CLOSED = {Status.COMPLETED, Status.FOLLOWED_UP, Status.CLOSED, Status.CANCELLED}


@register.inclusion_tag("live/video.html", takes_context=True)
def live_video(context: dict[str, Any], order: WorkOrder) -> dict[str, Any]:
    """The order page's video card (customer or staff): consent, the live stream, the kept recordings."""
    request: HttpRequest = context["request"]
    token = request.GET.get("t", "")
    access = video_access(
        actor=request.user, number=order.number, token=order.tracking_token if token else ""
    )
    if access is None:
        return {}
    return {**video_context(request, access), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("live/video_link.html")
def live_video_link(order: WorkOrder) -> dict[str, Any]:
    """A button to the video page (technician: stream; staff: watch) while on site, or its recordings."""
    return {"order": order, "live": video_live(order), "has_recordings": recordings_of(order=order).exists()}
