"""The visit on the technician's phone: a hub listing the steps in order with where each stands, and the
step pages of this app — the checklist (one htmx post per item, so an out-of-range reading is flagged at
once) and diagnosis + photos. Everyone else who may see the order reads the same pages without forms.
Every post here is htmx first (so the phone can queue it offline, docs/offline.md) with a plain-form
fallback that redirects back to its step page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.accounts.permissions import can
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError, ValidationFailed
from anxin.pricing.services import signature_decode
from anxin.visits import selectors, services, steps
from anxin.visits.choices import InspectionStatus, NoSignatureReason, PhotoRole, VisitKind
from anxin.visits.completion import completion_requirements, signoff_current
from anxin.visits.models import Inspection
from anxin.visits.permissions import COMPLETE, DIAGNOSE, INSPECT
from anxin.workorders.models import WorkOrder


def _inspection_view(inspection: Inspection, *, editable: bool) -> dict[str, Any]:
    return {
        "inspection": inspection,
        "rows": selectors.inspection_rows(inspection=inspection),
        "editable": editable and inspection.status == InspectionStatus.IN_PROGRESS,
        "assessment": selectors.assessment_of(inspection=inspection)
        if inspection.kind == VisitKind.SECURITY
        else None,
    }


def _page_context(request: AuthedRequest, order: WorkOrder) -> dict[str, Any]:
    on_site = order.status in services.ON_SITE_STATUSES
    may_inspect = on_site and can(request.user, INSPECT, order)
    inspections = list(selectors.inspections_of(order=order))
    started = {i.kind for i in inspections if i.status == InspectionStatus.IN_PROGRESS}
    photos = list(selectors.photos_of(order=order))
    return {
        "order": order,
        "may_inspect": may_inspect,
        "may_diagnose": on_site and can(request.user, DIAGNOSE, order),
        "startable": [t for t in selectors.templates_for_order(order=order) if t.kind not in started]
        if may_inspect
        else [],
        "inspections": [_inspection_view(i, editable=may_inspect) for i in inspections],
        "photo_sections": [
            (role, role.label, [p for p in photos if p.role == role])
            for role in (PhotoRole.BEFORE, PhotoRole.AFTER)
        ],
        "diagnosis": selectors.diagnosis_of(order=order),
        "fault_codes": selectors.fault_codes_for_order(order=order),
        "advice": selectors.visit_advice_for(order),
    }


@login_required
def visit_page(request: AuthedRequest, number: str) -> HttpResponse:
    """The hub: the visit's steps in order, the next one as the single primary action."""
    order = selectors.visit_order_for(actor=request.user, number=number)
    visit_steps = steps.visit_steps(order)
    context = {"order": order, "steps": visit_steps, "next": steps.next_step(visit_steps)}
    return render(request, "visits/visit.html", context)


@login_required
def checklist_page(request: AuthedRequest, number: str) -> HttpResponse:
    order = selectors.visit_order_for(actor=request.user, number=number)
    return render(request, "visits/checklist.html", _page_context(request, order))


@login_required
@require_POST
def inspection_start(request: AuthedRequest, number: str) -> HttpResponse:
    order = selectors.visit_order_for(actor=request.user, number=number)
    template = selectors.template_for_order(order=order, template_id=_int(request.POST.get("template_id")))
    services.inspection_start(actor=request.user, order=order, template=template)
    return redirect("visits:checklist", number=number)


def _int(value: str | None, field: str = "template_id") -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationFailed(_("参数不正确"), field=field) from None


def _item_fragment(request: AuthedRequest, inspection: Inspection, code: str) -> HttpResponse:
    row = next(r for r in selectors.inspection_rows(inspection=inspection) if r.item.code == code)
    context = {"row": row, "order": inspection.order, "inspection": inspection, "editable": True}
    return render(request, "visits/checklist.html#item", context)


@login_required
@require_POST
def item_record(request: AuthedRequest, number: str, inspection_id: int, code: str) -> HttpResponse:
    order = selectors.visit_order_for(actor=request.user, number=number)
    inspection = selectors.inspection_get(order=order, inspection_id=inspection_id)
    services.inspection_record(
        actor=request.user, inspection=inspection, item_code=code, value=request.POST.get("value")
    )
    if request.htmx:
        return _item_fragment(request, inspection, code)
    return redirect("visits:checklist", number=number)


@login_required
@require_POST
def item_photo(request: AuthedRequest, number: str, inspection_id: int, code: str) -> HttpResponse:
    order = selectors.visit_order_for(actor=request.user, number=number)
    inspection = selectors.inspection_get(order=order, inspection_id=inspection_id)
    upload = _upload(request)
    services.photo_add(
        actor=request.user, order=order, role=PhotoRole.ITEM, data=upload.read(), filename=upload.name or "photo",
        inspection=inspection, item_code=code,
    )  # fmt: skip
    if request.htmx:
        return _item_fragment(request, inspection, code)
    return redirect("visits:checklist", number=number)


def _upload(request: AuthedRequest) -> Any:
    upload = request.FILES.get("file")
    if upload is None or not upload.size:
        raise ValidationFailed(_("请拍摄或选择一张照片"), code="required", field="file")
    return upload


@login_required
@require_POST
def inspection_complete(request: AuthedRequest, number: str, inspection_id: int) -> HttpResponse:
    order = selectors.visit_order_for(actor=request.user, number=number)
    inspection = selectors.inspection_get(order=order, inspection_id=inspection_id)
    services.inspection_complete(actor=request.user, inspection=inspection)
    messages.success(request, _("检测已完成"))
    return redirect("visits:checklist", number=number)


@login_required
@require_POST
def photo_upload(request: AuthedRequest, number: str) -> HttpResponse:
    order = selectors.visit_order_for(actor=request.user, number=number)
    upload = _upload(request)
    services.photo_add(
        actor=request.user, order=order, role=request.POST.get("role", ""), data=upload.read(),
        filename=upload.name or "photo",
    )  # fmt: skip
    messages.success(request, _("照片已保存"))
    return redirect("visits:diagnosis", number=number)


@login_required
def diagnosis_record(request: AuthedRequest, number: str) -> HttpResponse:
    """GET: the diagnosis + photos step. POST: record the diagnosis."""
    order = selectors.visit_order_for(actor=request.user, number=number)
    if request.method != "POST":
        return render(request, "visits/diagnosis.html", _page_context(request, order))
    services.diagnosis_record(
        actor=request.user,
        order=order,
        fault_codes=request.POST.getlist("fault_codes"),
        cause=request.POST.get("cause", ""),
    )
    messages.success(request, _("诊断已保存"))
    return redirect("visits:diagnosis", number=number)


@login_required
def assessment_report(request: AuthedRequest, number: str, inspection_id: int) -> HttpResponse:
    """The printable security assessment (the browser prints it; the PDF report includes the same data)."""
    order = selectors.visit_order_for(actor=request.user, number=number)
    inspection = selectors.inspection_get(order=order, inspection_id=inspection_id)
    if inspection.kind != VisitKind.SECURITY:
        raise ValidationFailed(_("这不是安全性评估"), code="not_an_assessment", field="inspection_id")
    context = {
        "order": order,
        "inspection": inspection,
        "assessment": selectors.assessment_of(inspection=inspection),
    }
    return render(request, "visits/assessment.html", context)


@login_required
def visit_complete(request: AuthedRequest, number: str) -> HttpResponse:
    """Completion on the technician's phone: the requirements ticked, the customer signs on this screen
    (or he records why not), then the order is completed. A refusal is shown on the page with its status."""
    order = selectors.visit_order_for(actor=request.user, number=number)
    error, status = None, 200
    if request.method == "POST":
        try:
            signature = request.POST.get("signature", "")
            services.visit_complete(
                actor=request.user, order=order, signature=signature_decode(signature) if signature else b"",
                no_signature_reason=request.POST.get("no_signature_reason", ""), note=request.POST.get("note", ""),
            )  # fmt: skip
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            messages.success(request, _("已完工，感谢客户确认"))
            return redirect("visits:complete", number=number)
        order.refresh_from_db()
    context = {
        "order": order,
        "requirements": completion_requirements(order),
        "signoff": signoff_current(order),
        "may_complete": order.status == "in_repair" and can(request.user, COMPLETE, order),
        "reasons": NoSignatureReason.choices,
        "error": error,
    }
    return render(request, "visits/complete.html", context, status=status)
