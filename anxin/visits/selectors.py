"""Reads of the visit, always through an order the caller was allowed to see.

``visit_order_for`` is the one entry for pages and the API (404 outside the actor's orders, 403 for a
role that may not read visits); the rest take that order. ``visit_summary_for``, ``visit_advice_for``
and ``visit_assessment_for`` are what the service report and the completion gate read.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.catalog.models import FaultCode
from anxin.catalog.selectors import fault_codes_for
from anxin.core.exceptions import NotFound
from anxin.core.i18n import localized_name
from anxin.visits.advice import Advice, AdviceFacts, ResultFact, advice_evaluate, age_in_months
from anxin.visits.choices import SEVERITY_WEIGHT, InspectionStatus, ItemKind, PhotoRole, Severity, VisitKind
from anxin.visits.models import (
    ChecklistItem,
    ChecklistTemplate,
    Diagnosis,
    Inspection,
    InspectionResult,
    VisitPhoto,
)
from anxin.visits.permissions import VIEW
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_get_for

STANDARDS_FILE = Path(__file__).parent / "data" / "standards.json"


@functools.cache
def standards_data(path: Path = STANDARDS_FILE) -> dict[str, Any]:
    """The shipped checklists, fault codes and advice rules (read once per process)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def visit_order_for(*, actor: User, number: str) -> WorkOrder:
    """The order, if the actor may read its visit: 403 for a role that never may, 404 for an order
    outside the actor's scope (the number reveals nothing)."""
    require(actor, VIEW)
    order = workorder_get_for(actor=actor, number=number)
    require(actor, VIEW, order)
    return order


def templates_for_order(*, order: WorkOrder) -> list[ChecklistTemplate]:
    """The newest active version of every checklist that fits the order's device, most specific first
    (a model's own checklist before the brand's before the category's), inspections before assessments."""
    if order.category_id is None:
        return []
    model_id = order.device.product_model_id if order.device_id and order.device else None
    candidates = (
        ChecklistTemplate.objects.filter(category_id=order.category_id, active=True)
        .filter(Q(brand__isnull=True) | Q(brand_id=order.brand_id))
        .filter(Q(product_model__isnull=True) | Q(product_model_id=model_id))
        .order_by("key", "-version")
    )
    newest: dict[str, ChecklistTemplate] = {}
    for template in candidates:
        newest.setdefault(template.key, template)

    def rank(t: ChecklistTemplate) -> tuple[int, int, str]:
        specificity = 0 if t.product_model_id else 1 if t.brand_id else 2
        return (0 if t.kind == VisitKind.INSPECTION else 1, specificity, t.key)

    return sorted(newest.values(), key=rank)


def template_for_order(*, order: WorkOrder, template_id: int) -> ChecklistTemplate:
    found = next((t for t in templates_for_order(order=order) if t.pk == template_id), None)
    if found is None:
        raise NotFound(
            gettext("检测模板 %(template)s 不适用于工单 %(number)s")
            % {"template": template_id, "number": order.number},
            field="template_id",
        )
    return found


def inspections_of(*, order: WorkOrder) -> QuerySet[Inspection]:
    return order.inspections.select_related("template", "started_by").order_by("started_at", "id")


def inspection_get(*, order: WorkOrder, inspection_id: int) -> Inspection:
    inspection = inspections_of(order=order).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound(
            gettext("工单 %(number)s 没有检测记录 %(inspection)s")
            % {"number": order.number, "inspection": inspection_id},
            field="inspection_id",
        )
    return inspection


def inspection_latest(*, order: WorkOrder, kind: str, completed: bool = True) -> Inspection | None:
    runs = inspections_of(order=order).filter(kind=kind)
    if completed:
        runs = runs.filter(status=InspectionStatus.COMPLETED)
    return runs.order_by("-started_at", "-id").first()


@dataclass(frozen=True)
class ItemRow:
    """One checklist line with its answer (None: not answered yet) and its photos, for pages and the API."""

    item: ChecklistItem
    result: InspectionResult | None
    photos: list[VisitPhoto]

    @property
    def out_of_range(self) -> bool:
        return self.result is not None and self.result.out_of_range

    @property
    def failed(self) -> bool:
        return self.result is not None and self.result.failed

    @property
    def value_display(self) -> str:
        return result_display(self.item, self.result)


def result_display(item: ChecklistItem, result: InspectionResult | None) -> str:
    """The answer as a person reads it: 合格, 0.72 MPa, 严重 (the choice's label), the text."""
    if result is None:
        return ""
    if item.kind == ItemKind.PASS_FAIL:
        return gettext("合格") if result.passed else gettext("不合格")
    if item.kind == ItemKind.READING:
        return f"{_plain(result.number)} {item.unit}".strip()
    if item.kind == ItemKind.CHOICE:
        option = next((o for o in item.options if o.get("value") == result.choice), None)
        return localized_name(option["label"], option.get("label_en", "")) if option else result.choice
    if item.kind == ItemKind.PHOTO:
        return gettext("已拍照")
    return str(result.text)


def _plain(number: Decimal | None) -> str:
    if number is None:
        return ""
    return format(number.normalize(), "f")


def inspection_rows(*, inspection: Inspection) -> list[ItemRow]:
    results = {r.item_id: r for r in inspection.results.all()}
    photos: dict[int, list[VisitPhoto]] = {}
    for photo in inspection.photos.select_related("attachment").order_by("created_at", "id"):
        if photo.item_id is not None:
            photos.setdefault(photo.item_id, []).append(photo)
    return [
        ItemRow(item=item, result=results.get(item.pk), photos=photos.get(item.pk, []))
        for item in inspection.template.items.order_by("position", "id")
    ]


def fault_codes_for_order(*, order: WorkOrder) -> list[FaultCode]:
    """The brand's active codes for the device's category: the model's own codes first."""
    if order.brand_id is None or order.category_id is None:
        return []
    model_id = order.device.product_model_id if order.device_id and order.device else None
    return fault_codes_for(brand_id=order.brand_id, category_id=order.category_id, product_model_id=model_id)


def diagnosis_of(*, order: WorkOrder) -> Diagnosis | None:
    return Diagnosis.objects.filter(order=order).prefetch_related("fault_codes").first()


def photos_of(*, order: WorkOrder) -> QuerySet[VisitPhoto]:
    return order.visit_photos.select_related("attachment", "item").order_by("created_at", "id")


# --- security assessment -------------------------------------------------------------------------------

SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.NONE]


@dataclass(frozen=True)
class Finding:
    code: str
    label: str
    severity: str
    value: str
    out_of_range: bool
    fix: str


@dataclass(frozen=True)
class Assessment:
    """Risk score 0–100 (share of the checklist's severity weight that failed) and ranked findings."""

    inspection_id: int
    completed: bool
    score: int
    level: str
    findings: list[Finding] = field(default_factory=list)


def risk_level(score: int, findings: list[Finding]) -> str:
    """A critical finding makes the whole assessment high risk, whatever else passed."""
    if any(f.severity == Severity.CRITICAL for f in findings) or score >= 50:
        return "high"
    if score >= 20:
        return "medium"
    return "low"


def assessment_of(*, inspection: Inspection) -> Assessment:
    rows = inspection_rows(inspection=inspection)
    total = sum(SEVERITY_WEIGHT[row.item.severity] for row in rows)
    failing = [row for row in rows if row.failed]
    lost = sum(SEVERITY_WEIGHT[row.item.severity] for row in failing)
    score = round(100 * lost / total) if total else 0
    findings = [
        Finding(
            code=row.item.code,
            label=str(row.item),
            severity=row.item.severity,
            value=row.value_display,
            out_of_range=row.out_of_range,
            fix=localized_name(row.item.fix, row.item.fix_en),
        )
        for row in sorted(
            failing, key=lambda r: (SEVERITY_ORDER.index(Severity(r.item.severity)), r.item.position)
        )
    ]
    return Assessment(
        inspection_id=inspection.pk,
        completed=inspection.status == InspectionStatus.COMPLETED,
        score=score,
        level=risk_level(score, findings),
        findings=findings,
    )


def visit_assessment_for(order: WorkOrder) -> Assessment | None:
    """The order's latest completed security assessment (None: none done), for the report."""
    inspection = inspection_latest(order=order, kind=VisitKind.SECURITY)
    return assessment_of(inspection=inspection) if inspection else None


# --- advice -----------------------------------------------------------------------------------------------


def _facts_of(order: WorkOrder) -> AdviceFacts | None:
    if order.category is None:
        return None
    results: dict[str, ResultFact] = {}
    for kind in (VisitKind.SECURITY, VisitKind.INSPECTION):  # the inspection's answers win a shared item
        inspection = inspection_latest(order=order, kind=kind)
        if inspection is None:
            continue
        for r in inspection.results.select_related("item"):
            results[r.item.code] = ResultFact(failed=r.failed, number=r.number, choice=r.choice)
    purchased = order.device.purchase_date if order.device_id and order.device else None
    return AdviceFacts(
        category_code=order.category.code,
        age_months=age_in_months(purchased=purchased, on=timezone.localdate()),
        results=results,
    )


def visit_advice_for(order: WorkOrder) -> list[Advice]:
    """Advice after the repair from the completed checklists and the device's age (rules in data)."""
    facts = _facts_of(order)
    if facts is None:
        return []
    return advice_evaluate(standards_data()["advice_rules"], facts)


# --- summary ----------------------------------------------------------------------------------------------


def _inspection_summary(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "kind": inspection.kind,
        "template": str(inspection.template),
        "template_key": inspection.template.key,
        "template_version": inspection.template.version,
        "status": inspection.status,
        "started_at": inspection.started_at,
        "completed_at": inspection.completed_at,
        "items": [
            {
                "code": row.item.code,
                "label": str(row.item),
                "kind": row.item.kind,
                "unit": row.item.unit,
                "min": row.item.min_value,
                "max": row.item.max_value,
                "severity": row.item.severity,
                "answered": row.result is not None,
                "value": row.value_display,
                "failed": row.failed,
                "out_of_range": row.out_of_range,
            }
            for row in inspection_rows(inspection=inspection)
        ],
    }


def visit_summary_for(order: WorkOrder) -> dict[str, Any]:
    """Everything the visit recorded, as plain data: the report prints it, the completion gate checks it.

    ``checklist``: the latest completed inspection (None: not done); ``diagnosis``: codes and the cause
    (decrypted: the caller shows it only to people who may see the order); ``photos``: attachment ids by
    role; ``assessment``: score and findings of the latest completed security assessment; ``advice``.
    """
    inspection = inspection_latest(order=order, kind=VisitKind.INSPECTION)
    diagnosis = diagnosis_of(order=order)
    assessment = visit_assessment_for(order)
    photos: dict[str, list[int]] = {role: [] for role in PhotoRole.values}
    for photo in photos_of(order=order):
        photos[photo.role].append(photo.attachment_id)
    return {
        "checklist": _inspection_summary(inspection) if inspection else None,
        "diagnosis": {
            "fault_codes": [{"code": c.code, "name": str(c)} for c in diagnosis.fault_codes.order_by("code")],
            "cause": diagnosis.cause,
            "recorded_at": diagnosis.recorded_at,
        }
        if diagnosis
        else None,
        "photos": photos,
        "assessment": _assessment_dict(assessment) if assessment else None,
        "advice": [{"key": a.key, "text": a.text} for a in visit_advice_for(order)],
    }


def _assessment_dict(assessment: Assessment) -> dict[str, Any]:
    return {
        "inspection_id": assessment.inspection_id,
        "completed": assessment.completed,
        "score": assessment.score,
        "level": assessment.level,
        "findings": [f.__dict__ for f in assessment.findings],
    }


def kinds_done(order: WorkOrder) -> Mapping[str, bool]:
    """Which visit kinds have a completed run on the order (for the completion gate of round two)."""
    done = set(
        order.inspections.filter(status=InspectionStatus.COMPLETED).values_list("kind", flat=True).distinct()
    )
    return {kind: kind in done for kind in VisitKind.values}
