"""The visit over the API: checklists, results, photos, diagnosis, assessment and advice of one order.

Every path starts at an order the caller may see (404 otherwise); writes are the assigned technician's
(403 for any other role, before the lookup). Errors have the project's one shape.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from ninja import File, Form, Router, Status

from anxin.accounts.auth import api_auth
from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import NotFound
from anxin.core.schemas import errors
from anxin.pricing.services import signature_decode
from anxin.visits import presenters, selectors, services
from anxin.visits.choices import VisitKind
from anxin.visits.completion import completion_requirements, signoff_current
from anxin.visits.permissions import COMPLETE, DIAGNOSE, INSPECT
from anxin.visits.schemas import (
    AdviceOut,
    AssessmentOut,
    CompleteIn,
    CompletionOut,
    DiagnosisIn,
    DiagnosisOut,
    FaultCodeOut,
    InspectionOut,
    InspectionStartIn,
    PhotoFile,
    PhotoOut,
    PhotoRoleIn,
    ResultIn,
    TemplateOut,
)

router = Router(tags=["visits"], auth=api_auth)
ERRORS = errors(400, 401, 403, 404, 409, 413, 422, 429)
READ_ERRORS = errors(401, 403, 404, 422, 429)


@router.get("/orders/{number}/templates", response={200: list[TemplateOut], **READ_ERRORS})
def template_list(request: AuthedRequest, number: str) -> list[dict[str, Any]]:
    """The checklists that fit the order's device (newest version each, most specific first)."""
    order = selectors.visit_order_for(actor=request.auth, number=number)
    return [presenters.template_out(t) for t in selectors.templates_for_order(order=order)]


@router.get("/orders/{number}/inspections", response={200: list[InspectionOut], **READ_ERRORS})
def inspection_list(request: AuthedRequest, number: str) -> list[dict[str, Any]]:
    order = selectors.visit_order_for(actor=request.auth, number=number)
    return [presenters.inspection_out(i) for i in selectors.inspections_of(order=order)]


@router.post("/orders/{number}/inspections", response={201: InspectionOut, **ERRORS})
def inspection_start(request: AuthedRequest, number: str, body: InspectionStartIn) -> Status:
    """Start an inspection or security assessment (a second call resumes the open one of that kind)."""
    require(request.auth, INSPECT)
    order = selectors.visit_order_for(actor=request.auth, number=number)
    template = selectors.template_for_order(order=order, template_id=body.template_id)
    inspection = services.inspection_start(actor=request.auth, order=order, template=template)
    return Status(201, presenters.inspection_out(inspection))


@router.get("/orders/{number}/inspections/{inspection_id}", response={200: InspectionOut, **READ_ERRORS})
def inspection_detail(request: AuthedRequest, number: str, inspection_id: int) -> dict[str, Any]:
    order = selectors.visit_order_for(actor=request.auth, number=number)
    return presenters.inspection_out(selectors.inspection_get(order=order, inspection_id=inspection_id))


@router.put(
    "/orders/{number}/inspections/{inspection_id}/items/{item_code}", response={200: InspectionOut, **ERRORS}
)
def result_record(
    request: AuthedRequest, number: str, inspection_id: int, item_code: str, body: ResultIn
) -> dict[str, Any]:
    """Record one item's answer; a reading outside the item's range comes back ``out_of_range``.
    409 ``inspection_completed`` once the inspection is completed."""
    require(request.auth, INSPECT)
    order = selectors.visit_order_for(actor=request.auth, number=number)
    inspection = selectors.inspection_get(order=order, inspection_id=inspection_id)
    services.inspection_record(
        actor=request.auth, inspection=inspection, item_code=item_code, value=body.value
    )
    return presenters.inspection_out(inspection)


@router.post("/orders/{number}/inspections/{inspection_id}/complete", response={200: InspectionOut, **ERRORS})
def inspection_complete(request: AuthedRequest, number: str, inspection_id: int) -> dict[str, Any]:
    """Freeze the inspection (409 ``checklist_incomplete`` naming what is missing)."""
    require(request.auth, INSPECT)
    order = selectors.visit_order_for(actor=request.auth, number=number)
    inspection = selectors.inspection_get(order=order, inspection_id=inspection_id)
    return presenters.inspection_out(services.inspection_complete(actor=request.auth, inspection=inspection))


@router.get("/orders/{number}/photos", response={200: list[PhotoOut], **READ_ERRORS})
def photo_list(request: AuthedRequest, number: str) -> list[dict[str, Any]]:
    order = selectors.visit_order_for(actor=request.auth, number=number)
    return [presenters.photo_out(p) for p in selectors.photos_of(order=order)]


@router.post("/orders/{number}/photos", response={201: PhotoOut, **ERRORS})
def photo_upload(
    request: AuthedRequest,
    number: str,
    role: Form[PhotoRoleIn],
    file: File[PhotoFile],
    inspection_id: Form[int] = 0,
    item_code: Form[str] = "",
) -> Status:
    """A photo before or after the repair, or of a checklist item (``role=item`` with the inspection and
    item; ``inspection_id`` 0 or absent for before/after). Pictures only; re-encoded without metadata (no GPS
    position)."""
    require(request.auth, INSPECT)
    order = selectors.visit_order_for(actor=request.auth, number=number)
    inspection = selectors.inspection_get(order=order, inspection_id=inspection_id) if inspection_id else None
    photo = services.photo_add(
        actor=request.auth, order=order, role=role, data=file.read(), filename=file.name or "photo",
        inspection=inspection, item_code=item_code,
    )  # fmt: skip
    return Status(201, presenters.photo_out(photo))


@router.get("/orders/{number}/fault-codes", response={200: list[FaultCodeOut], **READ_ERRORS})
def fault_code_list(request: AuthedRequest, number: str) -> list[dict[str, Any]]:
    """The brand's codes for the device's category, the model's own first."""
    order = selectors.visit_order_for(actor=request.auth, number=number)
    return [presenters.fault_code_out(c) for c in selectors.fault_codes_for_order(order=order)]


@router.get("/orders/{number}/diagnosis", response={200: DiagnosisOut, **READ_ERRORS})
def diagnosis_detail(request: AuthedRequest, number: str) -> dict[str, Any]:
    order = selectors.visit_order_for(actor=request.auth, number=number)
    diagnosis = selectors.diagnosis_of(order=order)
    if diagnosis is None:
        raise NotFound(gettext("工单 %(number)s 还没有诊断") % {"number": number}, field="number")
    return presenters.diagnosis_out(diagnosis)


@router.put("/orders/{number}/diagnosis", response={200: DiagnosisOut, **ERRORS})
def diagnosis_record(request: AuthedRequest, number: str, body: DiagnosisIn) -> dict[str, Any]:
    """Fault codes and/or the cause; needs the inspection completed; an on-site order becomes diagnosed."""
    require(request.auth, DIAGNOSE)
    order = selectors.visit_order_for(actor=request.auth, number=number)
    diagnosis = services.diagnosis_record(
        actor=request.auth, order=order, fault_codes=body.fault_codes, cause=body.cause
    )
    return presenters.diagnosis_out(diagnosis)


@router.get("/orders/{number}/assessment", response={200: AssessmentOut, **READ_ERRORS})
def assessment_detail(request: AuthedRequest, number: str) -> dict[str, Any]:
    """The latest security assessment: risk score 0–100 and findings, most severe first (in progress
    when none is completed yet: ``completed`` says which)."""
    order = selectors.visit_order_for(actor=request.auth, number=number)
    inspection = selectors.inspection_latest(
        order=order, kind=VisitKind.SECURITY
    ) or selectors.inspection_latest(order=order, kind=VisitKind.SECURITY, completed=False)
    if inspection is None:
        raise NotFound(gettext("工单 %(number)s 没有安全性评估") % {"number": number}, field="number")
    return presenters.assessment_out(selectors.assessment_of(inspection=inspection))


@router.get("/orders/{number}/advice", response={200: list[AdviceOut], **READ_ERRORS})
def advice_list(request: AuthedRequest, number: str) -> list[dict[str, Any]]:
    """Advice after the repair, from the completed checklist and the device's age."""
    order = selectors.visit_order_for(actor=request.auth, number=number)
    return [{"key": a.key, "text": a.text} for a in selectors.visit_advice_for(order)]


def _completion_out(order: Any) -> dict[str, Any]:
    signoff = signoff_current(order)
    return {
        "status": order.status,
        "requirements": [r.__dict__ for r in completion_requirements(order)],
        "signed_off_at": signoff.signed_at if signoff else None,
    }


@router.get("/orders/{number}/completion", response={200: CompletionOut, **READ_ERRORS})
def completion_detail(request: AuthedRequest, number: str) -> dict[str, Any]:
    """What completing the order requires from its current status, each requirement met or not."""
    order = selectors.visit_order_for(actor=request.auth, number=number)
    return _completion_out(order)


@router.post("/orders/{number}/complete", response={200: CompletionOut, **ERRORS})
def visit_complete(request: AuthedRequest, number: str, body: CompleteIn) -> dict[str, Any]:
    """The customer's sign-off (signature, or the reason there is none) and the completion; the assigned
    technician only. 409 ``completion_incomplete`` names what is still missing (field: its keys)."""
    require(request.auth, COMPLETE)
    order = selectors.visit_order_for(actor=request.auth, number=number)
    services.visit_complete(
        actor=request.auth, order=order, signature=signature_decode(body.signature) if body.signature else b"",
        no_signature_reason=body.no_signature_reason, note=body.note,
    )  # fmt: skip
    order.refresh_from_db()
    return _completion_out(order)
