"""Visit rows as the API answers them (plain dicts matching anxin.visits.schemas)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anxin.catalog.models import FaultCode
from anxin.core.i18n import localized_name
from anxin.visits.models import ChecklistItem, ChecklistTemplate, Diagnosis, Inspection, VisitPhoto
from anxin.visits.selectors import Assessment, inspection_rows


def item_out(item: ChecklistItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "label": str(item),
        "hint": item.hint,
        "kind": item.kind,
        "unit": item.unit,
        "min": item.min_value,
        "max": item.max_value,
        "options": [
            {
                "value": o["value"],
                "label": localized_name(o["label"], o.get("label_en", "")),
                "fails": bool(o.get("fails")),
            }
            for o in item.options
        ],
        "required": item.required,
        "severity": item.severity,
    }


def template_out(template: ChecklistTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "key": template.key,
        "version": template.version,
        "kind": template.kind,
        "name": str(template),
        "items": [item_out(i) for i in template.items.order_by("position", "id")],
    }


def inspection_out(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "kind": inspection.kind,
        "template_id": inspection.template_id,
        "template": str(inspection.template),
        "version": inspection.template.version,
        "status": inspection.status,
        "started_at": inspection.started_at,
        "completed_at": inspection.completed_at,
        "items": [
            {
                "code": row.item.code,
                "label": str(row.item),
                "kind": row.item.kind,
                "answered": row.result is not None,
                "value": row.value_display,
                "failed": row.failed,
                "out_of_range": row.out_of_range,
                "photos": [p.attachment_id for p in row.photos],
            }
            for row in inspection_rows(inspection=inspection)
        ],
    }


def photo_out(photo: VisitPhoto) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "attachment_id": photo.attachment_id,
        "role": photo.role,
        "inspection_id": photo.inspection_id,
        "item_code": photo.item.code if photo.item else None,
        "url": reverse("attachments:file", args=[photo.order.number, photo.attachment_id]),
        "created_at": photo.created_at,
    }


def fault_code_out(code: FaultCode) -> dict[str, Any]:
    return {
        "code": code.code,
        "name": localized_name(code.name, code.name_en),
        "description": code.description,
        "model_specific": code.product_model_id is not None,
    }


def diagnosis_out(diagnosis: Diagnosis) -> dict[str, Any]:
    return {
        "fault_codes": [fault_code_out(c) for c in diagnosis.fault_codes.order_by("code")],
        "cause": diagnosis.cause,
        "recorded_at": diagnosis.recorded_at,
    }


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "inspection_id": assessment.inspection_id,
        "completed": assessment.completed,
        "score": assessment.score,
        "level": assessment.level,
        "findings": [f.__dict__ for f in assessment.findings],
    }
