"""What the service report says, one function per section, each taking the order.

Every section reads through the owning app's selector and returns plain data (or None / an empty
list when there is nothing to say: the template then prints nothing for it, never a placeholder).
Personal data leaves here already masked: the PDF goes to the customer and to brand staff, and is
kept for years, so it carries no more than the order page shows them.

The visit's sections read ``visits`` (checklist, assessment, diagnosis, sign-off, advice), ``parts``
(parts used with serials) and ``pricing`` (the approved lines, payments, the approval's signature).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from anxin.areas.tree import get_tree
from anxin.core.exceptions import ValidationFailed
from anxin.core.images import image_ingest
from anxin.core.masking import mask_name, mask_phone
from anxin.parts.selectors import order_parts_used
from anxin.pricing.choices import PriceState
from anxin.pricing.selectors import (
    approval_valid,
    order_payments,
    order_price_state,
    quote_current,
    quote_total,
)
from anxin.pricing.services import approval_signature
from anxin.visits.choices import Severity
from anxin.visits.completion import signoff_current
from anxin.visits.selectors import visit_summary_for
from anxin.visits.services import signoff_signature
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_photos

# Photos print 60 mm wide at most: 640 px is ~270 dpi there. JPEGs decode at 1/4 or 1/2 scale (libjpeg
# DCT scaling through image_ingest's draft), so a 12-megapixel phone photo costs a fraction of a full decode.
PHOTO_EDGE = 640
PHOTO_LIMIT = 12


@dataclass(frozen=True)
class Header:
    brand: str
    number: str
    status: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    issued_at: dt.datetime
    verify_url: str
    verify_hint: str


@dataclass(frozen=True)
class Device:
    category: str
    model: str
    serial: str  # masked: the last four characters
    in_warranty: bool | None


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str
    district: str  # province / city / county only: never the street address


@dataclass(frozen=True)
class Technician:
    name: str
    employee_no: str
    service_point: str


@dataclass(frozen=True)
class Photo:
    data_uri: str
    caption: str


@dataclass(frozen=True)
class ReportContent:
    """Everything one PDF shows; ``None``/empty sections are left out of the page."""

    header: Header
    device: Device | None
    customer: Customer
    technician: Technician | None
    checklist: Checklist | None = None
    assessment: AssessmentSection | None = None
    diagnosis: DiagnosisSection | None = None
    parts: list[PartRow] = field(default_factory=list)
    pricing: PricingSection | None = None
    photos: list[Photo] = field(default_factory=list)
    signature: Signatures | None = None
    advice: list[str] = field(default_factory=list)
    recordings: list[RecordingLine] = field(default_factory=list)


def mask_serial(serial: str) -> str:
    serial = serial.strip()
    if len(serial) <= 4:
        return "*" * len(serial)
    return "*" * (len(serial) - 4) + serial[-4:]


def section_header(order: WorkOrder, *, issued_at: dt.datetime | None = None) -> Header:
    completed = order.events.filter(event=Event.COMPLETE).aggregate(at=Max("created_at"))["at"]
    return Header(
        brand=order.brand.name if order.brand else gettext("未识别品牌"),
        number=order.number,
        status=order.get_status_display(),
        created_at=order.created_at,
        completed_at=completed,
        issued_at=issued_at or timezone.now(),
        verify_url=settings.ANXIN_PUBLIC_URL + reverse("portal:verify"),
        verify_hint=gettext("核验技师工号或客服电话，请访问"),
    )


def section_device(order: WorkOrder) -> Device | None:
    device = order.device
    if device is None and order.category is None:
        return None
    model = device.product_model if device else None
    return Device(
        category=order.category.name if order.category else "",
        model=f"{model.code} {model.name}".strip() if model else "",
        serial=mask_serial(device.serial_number) if device else "",
        in_warranty=order.in_warranty,
    )


def section_customer(order: WorkOrder) -> Customer:
    """Masked name and phone, and the district only (the tree's names down to the county)."""
    district = get_tree().name_path(order.county_code).replace("/", " ") if order.county_code else ""
    return Customer(
        name=mask_name(order.contact_name),
        phone=mask_phone(order.contact_phone),
        district=district,
    )


def section_technician(order: WorkOrder) -> Technician | None:
    technician = order.technician
    if technician is None:
        return None
    return Technician(
        name=mask_name(str(technician.user)),
        employee_no=technician.employee_no,
        service_point=technician.service_point.name,
    )


@dataclass(frozen=True)
class ChecklistRow:
    label: str
    value: str
    limits: str
    failed: bool
    out_of_range: bool


@dataclass(frozen=True)
class Checklist:
    template: str
    completed_at: dt.datetime | None
    rows: list[ChecklistRow]
    failed: int


@dataclass(frozen=True)
class Finding:
    label: str
    severity: str
    value: str
    fix: str


@dataclass(frozen=True)
class AssessmentSection:
    score: int
    level: str
    findings: list[Finding]


@dataclass(frozen=True)
class DiagnosisSection:
    fault_codes: list[str]
    cause: str


@dataclass(frozen=True)
class PartRow:
    name: str
    part_number: str
    quantity: int
    new_serial: str
    removed_serial: str


@dataclass(frozen=True)
class PriceRow:
    description: str
    quantity: int
    unit_price: str
    amount: str
    above_list: bool


@dataclass(frozen=True)
class PaymentRow:
    receipt: str
    method: str
    amount: str
    paid_at: dt.datetime | None


@dataclass(frozen=True)
class PricingSection:
    state: str
    lines: list[PriceRow]
    total: str
    payments: list[PaymentRow]


@dataclass(frozen=True)
class Signatures:
    approval_uri: str
    approval_at: dt.datetime | None
    signoff_uri: str
    signoff_at: dt.datetime | None
    signoff_note: str  # the recorded reason when the customer did not sign


def _limits(item: dict[str, Any]) -> str:
    low, high, unit = item["min"], item["max"], item["unit"]
    if low is None and high is None:
        return ""
    plain = [f"{v.normalize():f}" if isinstance(v, Decimal) else str(v) for v in (low, high)]
    if low is None:
        return f"≤ {plain[1]} {unit}".strip()
    if high is None:
        return f"≥ {plain[0]} {unit}".strip()
    return f"{plain[0]}–{plain[1]} {unit}".strip()


def section_checklist(order: WorkOrder, summary: dict[str, Any] | None = None) -> Checklist | None:
    """The latest completed inspection, item by item; a failed item or out-of-range reading is flagged."""
    checklist = (summary or visit_summary_for(order))["checklist"]
    if checklist is None:
        return None
    rows = [
        ChecklistRow(i["label"], i["value"] or "—", _limits(i), bool(i["failed"]), bool(i["out_of_range"]))
        for i in checklist["items"]
    ]
    return Checklist(checklist["template"], checklist["completed_at"], rows, sum(r.failed for r in rows))


def section_assessment(order: WorkOrder, summary: dict[str, Any] | None = None) -> AssessmentSection | None:
    """The security assessment (gas water heaters, safes): risk score, level and ranked findings."""
    assessment = (summary or visit_summary_for(order))["assessment"]
    if assessment is None or not assessment["completed"]:
        return None
    levels = {"high": gettext("高"), "medium": gettext("中"), "low": gettext("低")}
    findings = [
        Finding(f["label"], str(Severity(f["severity"]).label), f["value"], f["fix"])
        for f in assessment["findings"]
    ]
    return AssessmentSection(
        assessment["score"], levels.get(assessment["level"], assessment["level"]), findings
    )


def section_diagnosis(order: WorkOrder, summary: dict[str, Any] | None = None) -> DiagnosisSection | None:
    """Fault codes from the brand's table and the cause in the technician's words."""
    diagnosis = (summary or visit_summary_for(order))["diagnosis"]
    if diagnosis is None:
        return None
    return DiagnosisSection([c["name"] for c in diagnosis["fault_codes"]], diagnosis["cause"])


def section_parts(order: WorkOrder) -> list[PartRow]:
    """Genuine parts fitted, with the brand's code (the new serial) and the removed part's serial."""
    return [
        PartRow(str(u.part), u.part.part_number, u.quantity, u.new_serial, u.removed_serial)
        for u in order_parts_used(order)
    ]


def section_pricing(order: WorkOrder) -> PricingSection | None:
    """The lines the customer approved (the approval's own content, not today's quote) and the payments."""
    quote = quote_current(order)
    if quote is None:
        return None
    state = str(PriceState(order_price_state(order)).label)
    answer = approval_valid(quote)
    if answer is not None:
        content = json.loads(answer.content)
        lines = [
            PriceRow(
                line["description"],
                line["quantity"],
                line["unit_price"],
                line["amount"],
                bool(line.get("above_list_price")),
            )  # fmt: skip
            for line in content["lines"]
        ]
        total = content["total"]
    else:
        lines = [
            PriceRow(line.description, line.quantity, f"{line.unit_price:.2f}", f"{line.amount:.2f}", False)
            for line in quote.lines.all()
        ]
        total = f"{quote_total(quote):.2f}"
    payments = [
        PaymentRow(p.receipt_number, p.get_method_display(), f"{p.amount:.2f}", p.paid_at)
        for p in order_payments(order)
        if p.paid_at is not None
    ]
    return PricingSection(state, lines, total, payments)


def _png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""


def section_signature(order: WorkOrder) -> Signatures | None:
    """The customer's signatures: on the approved quote (pricing) and on the completion (visits)."""
    quote = quote_current(order)
    answer = approval_valid(quote) if quote is not None else None
    approval_png = approval_signature(answer) if answer is not None else b""
    signoff = signoff_current(order)
    if not approval_png and signoff is None:
        return None
    note = ""
    if signoff is not None and not signoff.signature_sha256:
        note = signoff.get_no_signature_reason_display()
    return Signatures(
        approval_uri=_png_uri(approval_png),
        approval_at=answer.decided_at if answer is not None and approval_png else None,
        signoff_uri=_png_uri(signoff_signature(signoff)) if signoff is not None else "",
        signoff_at=signoff.signed_at if signoff is not None else None,
        signoff_note=note,
    )


def section_advice(order: WorkOrder, summary: dict[str, Any] | None = None) -> list[str]:
    """Advice after the repair, from the completed checklist and the device's age."""
    return [a["text"] for a in (summary or visit_summary_for(order))["advice"]]


def section_photos(order: WorkOrder) -> list[Photo]:
    """The order's pictures, shrunk by Pillow before they reach the PDF (a report with 6 stays < 1 s)."""
    photos = []
    for number, attachment in enumerate(workorder_photos(order=order)[:PHOTO_LIMIT], start=1):
        with attachment.file.open("rb") as f:
            data = f.read()
        try:
            small = image_ingest(data, field="photo", long_edge=PHOTO_EDGE, reencode=True)
        except ValidationFailed:
            continue  # stored before the image checks existed and not a readable picture: left out
        encoded = base64.b64encode(small.data).decode("ascii")
        photos.append(
            Photo(
                data_uri=f"data:{small.content_type};base64,{encoded}",
                caption=gettext("照片 %(n)s") % {"n": number},
            )
        )
    return photos


@dataclass(frozen=True)
class RecordingLine:
    recorded_at: dt.datetime
    sha256: str
    url: str  # watched by whoever may see the order (signed in, or with the tracking link)


def section_recordings(order: WorkOrder) -> list[RecordingLine]:
    """The visit's kept video recordings (anxin.live), from their timeline rows: when, hash, link."""
    lines = []
    for row in order.events.filter(event=Event.VIDEO_RECORDED).order_by("created_at", "id"):
        details = json.loads(row.details or "{}")
        if not details.get("recording") or not details.get("sha256"):
            continue
        path = reverse("live:recording_file", args=[order.number, details["recording"]])
        lines.append(RecordingLine(row.created_at, details["sha256"], settings.ANXIN_PUBLIC_URL + path))
    return lines


def report_content(order: WorkOrder, *, issued_at: dt.datetime | None = None) -> ReportContent:
    summary = visit_summary_for(order)  # read once: four sections print parts of it
    return ReportContent(
        header=section_header(order, issued_at=issued_at),
        device=section_device(order),
        customer=section_customer(order),
        technician=section_technician(order),
        checklist=section_checklist(order, summary),
        assessment=section_assessment(order, summary),
        diagnosis=section_diagnosis(order, summary),
        parts=section_parts(order),
        pricing=section_pricing(order),
        photos=section_photos(order),
        signature=section_signature(order),
        advice=section_advice(order, summary),
        recordings=section_recordings(order),
    )
