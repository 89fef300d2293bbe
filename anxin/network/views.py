"""Pages for dispatchers and admins: coverage import (preview, then confirm), lookup, coverage map."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anxin.accounts.requests import AuthedRequest
from anxin.areas.coverage import coverage_text_parse
from anxin.areas.maps import coverage_area_view
from anxin.network.forms import BrandChoiceForm, CoverageImportForm, LookupForm
from anxin.network.selectors import (
    brands_visible_to,
    coverage_list_for,
    coverage_lookup,
    coverage_summary,
    service_point_get_for,
    service_points_for,
)
from anxin.network.services import coverage_delete, coverage_import


@login_required
def service_points(request: AuthedRequest) -> HttpResponse:
    points = service_points_for(actor=request.user)
    return render(request, "network/service_points.html", {"points": points})


@login_required
def coverage_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: current coverage and the paste box. POST action=preview: what each item resolves to.
    POST action=confirm: save the resolvable items and report the rest."""
    point = service_point_get_for(actor=request.user, pk=pk)
    form = CoverageImportForm(request.POST or None)
    lines = None
    if request.method == "POST" and form.is_valid():
        text, replace = form.cleaned_data["text"], form.cleaned_data["replace"]
        if request.POST.get("action") == "confirm":
            result = coverage_import(actor=request.user, service_point=point, text=text, replace=replace)
            messages.success(
                request,
                _("已保存 %(created)s 条新范围，更新 %(updated)s 条，未识别 %(skipped)s 条")
                % {"created": result.created, "updated": result.updated, "skipped": len(result.skipped)},
            )
            for line in result.skipped:
                messages.warning(
                    request,
                    _("未保存「%(text)s」：%(problem)s") % {"text": line.text, "problem": line.problem},
                )
            return redirect("network:coverage_edit", pk=point.pk)
        lines = coverage_text_parse(text)
    context = {
        "point": point,
        "form": form,
        "lines": lines,
        "coverage": coverage_list_for(actor=request.user, service_point=point),
    }
    if request.htmx and lines is not None:
        return render(request, "network/coverage_edit.html#preview", context)
    return render(request, "network/coverage_edit.html", context)


@login_required
def coverage_remove(request: AuthedRequest, pk: int, coverage_id: int) -> HttpResponse:
    point = service_point_get_for(actor=request.user, pk=pk)
    if request.method == "POST":
        coverage_delete(actor=request.user, service_point=point, coverage_id=coverage_id)
        messages.success(request, _("已删除"))
    return redirect("network:coverage_edit", pk=point.pk)


@login_required
def lookup(request: AuthedRequest) -> HttpResponse:
    """Who serves this address for this brand and category; out of coverage shows the nearest points."""
    brands = brands_visible_to(actor=request.user)
    form = LookupForm(request.GET or None, brands=brands)
    found = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        found = coverage_lookup(
            actor=request.user, address=data["address"], brand=data["brand"], category=data["category"]
        )
    context = {"form": form, "found": found}
    if request.htmx and found is not None:
        return render(request, "network/lookup.html#result", context)
    return render(request, "network/lookup.html", context)


@login_required
def coverage_map(request: AuthedRequest) -> HttpResponse:
    """Per-province and per-prefecture county counts, and a map of one area (?area=, the country by default)
    with its provinces, prefectures or counties shaded by coverage; clicking one opens its own map."""
    brands = brands_visible_to(actor=request.user)
    form = BrandChoiceForm(request.GET or None, brands=brands)
    brand = form.cleaned_data["brand"] if form.is_valid() else None
    summary = coverage_summary(actor=request.user, brand=brand)

    def href(code: str) -> str:
        return "?" + urlencode({"area": code, **({"brand": brand.pk} if brand else {})})

    area = coverage_area_view(
        area=request.GET.get("area", ""), county_status=summary.county_status, href=href
    )
    context = {"form": form, "brand": brand, "summary": summary, "area": area}
    return render(request, "network/coverage_map.html", context)
