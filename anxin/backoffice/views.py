"""Staff order pages: list, detail with its SLA clocks and technicians, transitions, reveals.

They live above workorders, sla and network (docs/decisions.md §17): a page may combine apps; the
apps under it may not import each other upward. URL names keep the `workorders:` namespace."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from anxin.accounts.permissions import can, require
from anxin.accounts.requests import AuthedRequest
from anxin.backoffice.exports import order_csv_header, order_csv_rows
from anxin.backoffice.forms import OrderListForm
from anxin.backoffice.selectors import order_list_for, staff_key_figures
from anxin.catalog.selectors import brands_all, categories_all
from anxin.core.exceptions import Conflict, DomainError, NotFound, ValidationFailed
from anxin.core.listing import EXPORT_ROW_LIMIT, csv_response, filters_or_400, page_of
from anxin.core.masking import mask_address, mask_free_text, mask_name, mask_phone
from anxin.core.ratelimit import client_ip
from anxin.dispatch.permissions import SUGGESTIONS
from anxin.network.selectors import technician_get_by_employee_no, technicians_for_order
from anxin.sla.choices import PauseReason
from anxin.sla.permissions import PAUSE, RESUME
from anxin.sla.services import sla_pause, sla_resume
from anxin.workorders import selectors, services
from anxin.workorders.choices import OPEN_STATUSES, Event, Status
from anxin.workorders.permissions import EDIT, EXPORT, RECORD_CONTACT, REVEAL, TRANSITIONS
from anxin.workorders.statemachine import events_from

MASKERS = {
    "contact_phone": mask_phone,
    "contact_name": mask_name,
    "service_address": mask_address,
    "description": mask_free_text,
}


@login_required
def order_list(request: AuthedRequest) -> HttpResponse:
    """The staff home: key figures, then the filtered, sorted list, 50 a page (htmx: just the results)."""
    form = OrderListForm(request.GET, actor=request.user)
    filters_or_400(form)
    orders = order_list_for(actor=request.user, filters=form.filters(), now=timezone.now())
    page = page_of(orders, form.cleaned_data["page"])
    context = {
        "form": form,
        "page": page,
        "orders": page.object_list,
        "can_export": can(request.user, EXPORT),
    }
    if request.htmx:
        return render(request, "workorders/list.html#results", context)
    context["figures"] = staff_key_figures(actor=request.user)
    return render(request, "workorders/list.html", context)


@login_required
def order_export(request: AuthedRequest) -> HttpResponse:
    """The filtered list as CSV (masked, at most EXPORT_ROW_LIMIT rows, the viewer's scope only)."""
    require(request.user, EXPORT)
    form = OrderListForm(request.GET, actor=request.user)
    filters_or_400(form)
    orders = order_list_for(actor=request.user, filters=form.filters(), now=timezone.now())
    rows = order_csv_rows(orders.prefetch_related(None)[:EXPORT_ROW_LIMIT])  # the CSV needs no clocks
    return csv_response(f"orders-{timezone.localdate():%Y%m%d}.csv", order_csv_header(), rows)


@login_required
def order_detail(request: AuthedRequest, number: str) -> HttpResponse:
    try:
        order = selectors.workorder_get_for(actor=request.user, number=number)
    except NotFound:
        return render(request, "workorders/missing.html", {"number": number}, status=404)
    return render(request, "workorders/detail.html", _detail_context(request, order))


def _detail_context(request: AuthedRequest, order) -> dict:  # type: ignore[no-untyped-def]
    user = request.user
    sla_actions = {"pause": PAUSE, "resume": RESUME, "contacted": RECORD_CONTACT}
    return {
        "order": order,
        "events": selectors.workorder_timeline(order=order),
        "masked": {field: mask(getattr(order, field)) for field, mask in MASKERS.items()},
        "can_reveal": can(user, REVEAL, order),
        # Only what this user may do: a technician never sees cancel, close or reopen.
        "next_events": [e for e in events_from(order.status) if can(user, TRANSITIONS[e], order)],
        "technicians": technicians_for_order(order=order)
        if order.status == Status.ACCEPTED and can(user, TRANSITIONS[Event.DISPATCH], order)
        else [],
        "sla_actions": {name: True for name, action in sla_actions.items() if can(user, action, order)},
        "can_suggest": can(user, SUGGESTIONS, order),
        "pause_reasons": PauseReason.choices,
        "paused": order.sla_pauses.filter(ended_at__isnull=True).first(),
        "is_open": order.status in OPEN_STATUSES,
        "can_edit": order.status in OPEN_STATUSES and can(user, EDIT, order),
        "version": services.workorder_version(order),
        "brands": brands_all(),
        "categories": categories_all(),
    }


def _local_datetime(value: str, field: str) -> dt.datetime | None:
    """An <input type=datetime-local> value in the site's time zone; blank is None."""
    if not value.strip():
        return None
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(value.strip()))
    except ValueError:
        raise ValidationFailed(gettext("日期时间格式不正确"), field=field) from None


@login_required
@require_POST
def order_correct(request: AuthedRequest, number: str) -> HttpResponse:
    """The correction form. Personal fields start blank (showing them would be an unaudited reveal):
    a blank field keeps its value. The service records only what changed."""
    try:
        order = selectors.workorder_get_for(actor=request.user, number=number)
        posted = {f: request.POST.get(f, "").strip() for f in CORRECTION_TEXT_FIELDS}
        given: dict[str, object] = {f: value for f, value in posted.items() if value}
        given |= {f: _local_datetime(request.POST.get(f, ""), f) for f in CORRECTION_TIME_FIELDS}
        values = services.workorder_values_from(order=order, given=given)
        services.workorder_correct(
            order=order, actor=request.user, values=values, version=request.POST.get("version", "")
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("workorders:detail", number=number)
    messages.success(request, gettext("工单已更正"))
    return redirect("workorders:detail", number=number)


CORRECTION_TEXT_FIELDS = (
    "contact_name",
    "contact_phone",
    "service_address",
    "brand",
    "category",
    "model",
    "description",
)
CORRECTION_TIME_FIELDS = ("appointment_start", "appointment_end")


@login_required
@require_POST
def order_transition(request: AuthedRequest, number: str) -> HttpResponse:
    try:
        order = selectors.workorder_get_for(actor=request.user, number=number)
        employee_no = request.POST.get("technician", "")
        technician = technician_get_by_employee_no(employee_no=employee_no) if employee_no else None
        services.workorder_transition(
            order=order,
            event=request.POST.get("event", ""),
            actor=request.user,
            note=request.POST.get("note", ""),
            technician=technician,
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("workorders:detail", number=number)
    messages.success(request, f"{order.number}: {order.get_status_display()}")
    return redirect("workorders:detail", number=number)


@login_required
@require_POST
def order_sla_action(request: AuthedRequest, number: str) -> HttpResponse:
    """Pause / resume the SLA clocks, or record that the customer was contacted."""
    action = request.POST.get("action", "")
    try:
        order = selectors.workorder_get_for(actor=request.user, number=number)
        if action == "pause":
            sla_pause(
                order=order,
                reason=request.POST.get("reason", ""),
                actor=request.user,
                note=request.POST.get("note", ""),
            )
        elif action == "resume":
            sla_resume(order=order, actor=request.user)
        elif action == "contacted":
            services.workorder_customer_contacted(
                order=order, actor=request.user, note=request.POST.get("note", "")
            )
        else:
            raise Conflict(gettext("未知的操作「%(action)s」") % {"action": action}, field="action")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("workorders:detail", number=number)


@login_required
@require_POST
def order_reveal(request: AuthedRequest, number: str, field: str) -> HttpResponse:
    """htmx: swap a masked value for the real one; the reveal is audited."""
    order = selectors.workorder_get_for(actor=request.user, number=number)
    value = services.workorder_contact_reveal(
        order=order,
        actor=request.user,
        field=field,
        reason=request.POST.get("reason", "screen"),
        ip_address=client_ip(request),
    )
    return render(request, "workorders/detail.html#revealed", {"value": value, "field": field})
