"""Pages: the dispatcher board, the technician's phone page, the customer's slot picker."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import NotFound, ValidationFailed
from anxin.dispatch import selectors, services
from anxin.dispatch.forms import LocationForm, SlotForm, StatusForm
from anxin.dispatch.permissions import PIN, REASSIGN, SLOT_BOOK, SUGGESTIONS
from anxin.network.choices import TechnicianStatus
from anxin.network.selectors import technician_for_user, technician_get_by_employee_no
from anxin.network.services import technician_location_update
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_get_by_tracking, workorder_get_for

# --- dispatcher board ----------------------------------------------------------------------


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    point = selectors.service_point_for_board(actor=request.user, pk=request.GET.get("sp"))
    return _board_render(request, point)


def _board_render(request: AuthedRequest, point: Any) -> HttpResponse:
    snapshot = services.board_snapshot(actor=request.user, service_point=point)
    context = {
        "board": snapshot,
        "points": selectors.service_points_for_board(actor=request.user),
        "alerts": selectors.board_sla_alerts(actor=request.user, service_point=point),
    }
    template = "dispatch/board.html#board" if request.htmx else "dispatch/board.html"
    return render(request, template, context)


@login_required
def board_alerts(request: AuthedRequest) -> HttpResponse:
    """htmx fragment polled by the board: the SLA badge and list, fresh without a reload."""
    point = selectors.service_point_for_board(actor=request.user, pk=request.GET.get("sp"))
    alerts = selectors.board_sla_alerts(actor=request.user, service_point=point)
    return render(request, "dispatch/board_alerts.html", {"alerts": alerts})


@login_required
@require_POST
def board_reassign(request: AuthedRequest, number: str) -> HttpResponse:
    require(request.user, REASSIGN)  # 403 for a role that may never, before looking the order up
    order = workorder_get_for(actor=request.user, number=number)
    technician = technician_get_by_employee_no(employee_no=request.POST.get("technician", ""))
    services.dispatch_reassign(order=order, technician=technician, actor=request.user)
    return _board_after(request, order)


@login_required
@require_POST
def board_pin(request: AuthedRequest, number: str) -> HttpResponse:
    require(request.user, PIN)  # 403 for a role that may never, before looking the order up
    order = workorder_get_for(actor=request.user, number=number)
    if request.POST.get("action") == "unpin":
        services.dispatch_unpin(order=order, actor=request.user)
    else:
        services.dispatch_pin(order=order, actor=request.user)
    return _board_after(request, order)


def _board_after(request: AuthedRequest, order: WorkOrder) -> HttpResponse:
    point = selectors.service_point_for_board(actor=request.user, pk=order.service_point_id)
    if request.htmx:
        return _board_render(request, point)
    return redirect(f"{reverse('dispatch:board')}?{urlencode({'sp': point.pk})}")


@login_required
def order_panel(request: AuthedRequest, number: str) -> HttpResponse:
    """htmx fragment on the order page: the offers so far and the engine's suggested technicians."""
    require(request.user, SUGGESTIONS)
    order = workorder_get_for(actor=request.user, number=number)
    suggestions = (
        services.offer_candidates(order=order, exclude=selectors.technicians_refused(order=order), limit=3)
        if order.status in selectors.OFFERABLE_STATUSES and not selectors.order_is_blocked(order)
        else []
    )
    offers = order.offers.select_related("technician__user").order_by("-created_at")[:10]
    return render(
        request, "dispatch/order_panel.html", {"order": order, "offers": offers, "suggestions": suggestions}
    )


# --- technician phone page -----------------------------------------------------------------


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    technician = technician_for_user(actor=request.user)
    context = {
        "tech": technician,
        "offers": selectors.offer_cards(technician=technician),
        "jobs": services.technician_task_cards(technician=technician, actor=request.user),
        "hotline": settings.ANXIN_HOTLINE,
        "tel": selectors.platform_tel(),
        "statuses": [
            (TechnicianStatus.AVAILABLE, TechnicianStatus.AVAILABLE.label),
            (TechnicianStatus.OFF, TechnicianStatus.OFF.label),
        ],
    }
    template = "dispatch/me.html#me" if request.htmx else "dispatch/me.html"
    return render(request, template, context)


@login_required
@require_POST
def me_offer(request: AuthedRequest, offer_id: int) -> HttpResponse:
    offer = selectors.offer_get_for(actor=request.user, offer_id=offer_id)
    if request.POST.get("action") == "accept":
        services.offer_accept(offer=offer, actor=request.user)
        messages.success(request, _("%(number)s：已接单") % {"number": offer.order.number})
    else:
        services.offer_decline(offer=offer, actor=request.user, reason=request.POST.get("reason", "")[:100])
        messages.info(request, _("%(number)s：已拒单") % {"number": offer.order.number})
    return _me_after(request)


@login_required
@require_POST
def me_advance(request: AuthedRequest, number: str) -> HttpResponse:
    order = workorder_get_for(actor=request.user, number=number)
    services.technician_order_advance(order=order, event=request.POST.get("event", ""), actor=request.user)
    return _me_after(request)


@login_required
@require_POST
def me_status(request: AuthedRequest) -> HttpResponse:
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(form.errors.as_text(), field="status")
    technician = technician_for_user(actor=request.user)
    services.technician_status_set(
        technician=technician,
        status=form.cleaned_data["status"],
        actor=request.user,
        late_minutes=form.cleaned_data["late_minutes"],
    )
    return _me_after(request)


@login_required
@require_POST
def me_location(request: AuthedRequest) -> HttpResponse:
    """The phone posts ``navigator.geolocation`` coordinates here."""
    form = LocationForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(form.errors.as_text(), field="latitude")
    technician = technician_for_user(actor=request.user)
    technician = technician_location_update(
        technician=technician,
        latitude=form.cleaned_data["latitude"],
        longitude=form.cleaned_data["longitude"],
    )
    return JsonResponse(
        {"located_at": technician.last_located_at.isoformat() if technician.last_located_at else None}
    )


def _me_after(request: AuthedRequest) -> HttpResponse:
    if request.htmx:
        return me(request)
    return redirect("dispatch:me")


# --- customer slot picker ------------------------------------------------------------------


def _customer_order(request: HttpRequest, number: str) -> tuple[WorkOrder, str]:
    """By the tracking link's token, or for a signed-in customer (or staff on the phone with one)."""
    token = request.GET.get("t") or request.POST.get("t") or ""
    if token:
        return workorder_get_by_tracking(number=number, token=token), token
    if not request.user.is_authenticated:
        raise NotFound(_("请通过您的查询链接打开此页面，或先登录"), field="number")
    require(request.user, SLOT_BOOK)  # a role that may not book hears 403, not "no such order"
    return workorder_get_for(actor=request.user, number=number), ""


def slots(request: HttpRequest, number: str) -> HttpResponse:
    order, token = _customer_order(request, number)
    form = SlotForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            raise ValidationFailed(_("请选择一个时间段"), field="start")
        actor = request.user if request.user.is_authenticated else None
        services.slot_choose(order=order, start=form.cleaned_data["start"], actor=actor)
        messages.success(request, _("预约成功"))
        if token:
            return redirect(f"{reverse('portal:track', args=[order.number])}?{urlencode({'t': token})}")
        return redirect("portal:my_order", number=order.number)
    options = services.slots_for_order(order=order)
    days = [(day, list(group)) for day, group in groupby(options, key=lambda o: o.day)]
    return render(request, "dispatch/slots.html", {"order": order, "token": token, "days": days})
