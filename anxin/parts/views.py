"""Parts pages: the technician's phone page for an order's parts (reserve, scan or type the code,
record the removed serial, install), and staff pages: catalogue with CSV upload, QR labels of codes,
counterfeit alerts, stock per location and returns."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anxin.accounts.permissions import can, require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError
from anxin.parts import selectors, services
from anxin.parts.forms import CodesIssueForm, InstallForm, PartsCsvForm, ReleaseForm, ReserveForm, ShipForm
from anxin.parts.permissions import (
    CATALOGUE_EDIT,
    CODES,
    INSTALL,
    RESERVE,
    RETURN_RECEIVE,
    RETURN_SHIP,
    STOCK_VIEW,
)
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_get_for


def _order_context(request: AuthedRequest, order: WorkOrder) -> dict[str, object]:
    may_reserve = can(request.user, RESERVE, order)
    van_stock = []
    if may_reserve and order.technician is not None:
        van = services.van_of(technician=order.technician)
        van_stock = [
            lvl
            for lvl in selectors.stock_levels(location=van)
            if lvl.part.brand_id == order.brand_id and lvl.available > 0
        ]
    return {
        "order": order,
        "installed": selectors.order_parts_for(actor=request.user, order=order),
        "reservations": selectors.order_reservations(order=order) if may_reserve else [],
        "van_stock": van_stock,
        "may_reserve": may_reserve,
        "may_install": can(request.user, INSTALL, order),
        "settled": selectors.order_parts_settled(order),
    }


def _order_action(request: AuthedRequest, order: WorkOrder) -> str:
    """Carry out the posted action; a refusal is shown in the page (the brand was already told)."""
    action = request.POST.get("action")
    if action == "reserve" and (form := ReserveForm(request.POST)).is_valid():
        part = selectors.part_get_for(actor=request.user, pk=form.cleaned_data["part"])
        services.stock_reserve(
            order=order, part=part, quantity=form.cleaned_data["quantity"], actor=request.user
        )
        return _("已预留")
    if action == "release" and (release := ReleaseForm(request.POST)).is_valid():
        found = selectors.reservation_get_for(
            actor=request.user, order=order, pk=release.cleaned_data["reservation"]
        )
        services.reservation_release(reservation=found, actor=request.user)
        return _("已释放预留")
    if action == "install" and (install := InstallForm(request.POST)).is_valid():
        found = selectors.reservation_get_for(
            actor=request.user, order=order, pk=install.cleaned_data["reservation"]
        )
        services.part_install(
            reservation=found, actor=request.user, code=install.cleaned_data["code"],
            removed_serial=install.cleaned_data["removed_serial"],
        )  # fmt: skip
        return _("防伪码验证通过，配件已安装")
    return _("请求不完整")


@login_required
def order_parts(request: AuthedRequest, number: str) -> HttpResponse:
    """GET: the order's parts. POST: reserve / release / install, answered with the refreshed list."""
    order = workorder_get_for(actor=request.user, number=number)
    result = {"ok": "", "error": ""}
    if request.method == "POST":
        try:
            result["ok"] = _order_action(request, order)
        except DomainError as exc:
            result["error"] = exc.detail
    context = {**_order_context(request, order), **result}
    if request.htmx:
        return render(request, "parts/order_parts.html#parts", context)
    return render(request, "parts/order_parts.html", context)


@login_required
def catalogue(request: AuthedRequest) -> HttpResponse:
    """The parts list; brand staff and admins upload a CSV of parts (all or nothing, errors per line)."""
    form = PartsCsvForm(request.POST or None, request.FILES or None)
    errors: list[services.LineError] = []
    if request.method == "POST" and form.is_valid():
        brand = selectors.brand_by_code(form.cleaned_data["brand"])
        result = services.parts_import(brand=brand, text=form.cleaned_data["file"], actor=request.user)
        errors = result.errors
        if not errors:
            messages.success(
                request, _("已导入：新增 %(c)s，更新 %(u)s") % {"c": result.created, "u": result.updated}
            )
            return redirect("parts:catalogue")
    parts = selectors.parts_catalogue_for(actor=request.user, q=request.GET.get("q", "")[:60])[:500]
    context = {
        "parts": parts, "form": form, "errors": errors, "may_import": can(request.user, CATALOGUE_EDIT),
        "may_codes": can(request.user, CODES),
    }  # fmt: skip
    return render(request, "parts/catalogue.html", context)


@login_required
def part_codes(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue codes for a part and print their QR labels (inline SVG, one label per code)."""
    part = selectors.part_get_for(actor=request.user, pk=pk)
    form = CodesIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issued = services.part_codes_issue(
            part=part,
            actor=request.user,
            quantity=form.cleaned_data["quantity"],
            batch=form.cleaned_data["batch"],
        )
        messages.success(request, _("已签发 %(n)s 个防伪码") % {"n": len(issued)})
        return redirect("parts:part_codes", pk=part.pk)
    codes = selectors.codes_for(actor=request.user, part=part, state=request.GET.get("state", "issued"))[:200]
    labels = [(c, segno.make(c.code, error="m").svg_inline(scale=3, border=2)) for c in codes]
    return render(request, "parts/codes.html", {"part": part, "labels": labels, "form": form})


@login_required
def code_png(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """One code's QR label as PNG (for label printers that take images)."""
    part = selectors.part_get_for(actor=request.user, pk=pk)
    found = selectors.codes_for(actor=request.user, part=part).filter(code=code).first()
    if found is None:
        return HttpResponse(status=404)
    out = io.BytesIO()
    segno.make(found.code, error="m").save(out, kind="png", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/png")


@login_required
def alerts(request: AuthedRequest) -> HttpResponse:
    rows = selectors.alerts_for(actor=request.user)[:200]
    return render(request, "parts/alerts.html", {"alerts": rows})


@login_required
def stock(request: AuthedRequest) -> HttpResponse:
    """Every location the viewer may see, with its levels (dispatchers: all; a technician: his van)."""
    require(request.user, STOCK_VIEW)
    locations = [
        (loc, selectors.stock_levels(location=loc))
        for loc in selectors.locations_visible_to(actor=request.user)
    ]
    return render(request, "parts/stock.html", {"locations": locations})


@login_required
def returns(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        row = selectors.return_get_for(actor=request.user, pk=int(request.POST.get("id", "0") or 0))
        if request.POST.get("action") == "receive":
            services.part_return_receive(part_return=row, actor=request.user)
        elif (form := ShipForm(request.POST)).is_valid():
            services.part_return_ship(part_return=row, actor=request.user, **form.cleaned_data)
        messages.success(request, _("已更新"))
        return redirect("parts:returns")
    context = {
        "returns": selectors.returns_for(actor=request.user)[:200],
        "may_ship": can(request.user, RETURN_SHIP), "may_receive": can(request.user, RETURN_RECEIVE),
    }  # fmt: skip
    return render(request, "parts/returns.html", context)
