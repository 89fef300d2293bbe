"""Demo visits recorded through the real services, as the technician's phone records them.

One demo order goes the whole way (checklist with a finding, before/after photos, diagnosis, a genuine
part scanned onto the quote, the customer's signed approval, cash payment, the part installed with the
removed part's serial, the customer's signed sign-off, the PDF report); another stops at a quote sent
to the customer. The pictures and signatures are drawn here (no files shipped).
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from anxin.accounts.models import User
from anxin.catalog.models import FaultCode
from anxin.parts.models import Part, PartCode
from anxin.parts.selectors import order_parts_used
from anxin.parts.services import part_install, stock_reserve
from anxin.pricing.choices import Decision, LineKind, PaymentMethod, QuoteStatus
from anxin.pricing.models import Quote
from anxin.pricing.services import payment_record, quote_answer, quote_line_add, quote_send, quote_start
from anxin.reports.services import service_report_current
from anxin.visits.choices import ItemKind, PhotoRole, VisitKind
from anxin.visits.demo import ANSWERS, DIAGNOSES
from anxin.visits.selectors import templates_for_order
from anxin.visits.services import (
    diagnosis_record,
    inspection_complete,
    inspection_record,
    inspection_start,
    photo_add,
    visit_complete,
)
from anxin.workorders.models import WorkOrder

# category → (fault code priced out of warranty, part number fitted). Demo faults from pricing's list.
REPAIRS = {"disinfection-cabinet": ("E1", "LC-HT-03"), "water-heater": ("E1", "CRT-IGN-01")}


def _picture(text: str, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(image).rectangle([60, 60, 580, 420], outline=(255, 255, 255), width=6)
    ImageDraw.Draw(image).text((80, 80), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _signature(seed: int) -> bytes:
    image = Image.new("RGBA", (340, 160), (255, 255, 255, 0))
    points = [(20 + 40 * i, 80 + (35 if (i + seed) % 2 else -30)) for i in range(8)]
    ImageDraw.Draw(image).line(points, fill=(10, 10, 60, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _checklist(order: WorkOrder, actor: User) -> None:
    template = next((t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION), None)
    if template is None:
        return
    inspection = inspection_start(actor=actor, order=order, template=template)
    answers: dict[str, Any] = ANSWERS.get(template.key, {})
    for item in template.items.order_by("position"):
        if item.kind == ItemKind.PHOTO:
            photo_add(
                actor=actor, order=order, role=PhotoRole.ITEM, data=_picture(item.code, (90, 110, 140)),
                filename=f"{item.code}.jpg", inspection=inspection, item_code=item.code,
            )  # fmt: skip
        elif item.code in answers:
            inspection_record(
                actor=actor, inspection=inspection, item_code=item.code, value=answers[item.code]
            )
        elif item.required:
            value: object = True if item.kind == ItemKind.PASS_FAIL else "正常"
            inspection_record(actor=actor, inspection=inspection, item_code=item.code, value=value)
    inspection_complete(actor=actor, inspection=inspection)


def demo_visit_to_quote(*, order: WorkOrder) -> Quote:
    """From ``on_site``: checklist, before-photo, diagnosis and the quote with a genuine part, sent."""
    assert order.technician is not None and order.category is not None
    actor = order.technician.user
    _checklist(order, actor)
    photo_add(
        actor=actor, order=order, role=PhotoRole.BEFORE, data=_picture("before", (150, 90, 60)),
        filename="维修前.jpg",
    )  # fmt: skip
    fault_code, part_number = REPAIRS[order.category.code]
    codes, cause = DIAGNOSES.get(order.category.code, ([fault_code], ""))
    diagnosis_record(actor=actor, order=order, fault_codes=sorted({*codes, fault_code}), cause=cause)
    order.refresh_from_db()
    fault = FaultCode.objects.get(brand=order.brand, category=order.category, code=fault_code)
    quote = quote_start(order=order, fault_code=fault, actor=actor, distance_km=8)
    if quote.status == QuoteStatus.IN_WARRANTY:
        return quote
    part = Part.objects.get(brand=order.brand, part_number=part_number)
    code = PartCode.objects.filter(part=part, state="issued").order_by("code").first()
    if code is not None:
        quote_line_add(quote=quote, actor=actor, kind=LineKind.PART, part=part, part_code=code.code)
    return quote_send(quote=quote, actor=actor)


def demo_visit_complete(*, order: WorkOrder) -> None:
    """The whole visit through the services, ending completed with the report issued."""
    assert order.technician is not None
    actor = order.technician.user
    quote = demo_visit_to_quote(order=order)
    if quote.status == QuoteStatus.SENT:
        quote_answer(
            quote=quote, decision=Decision.APPROVED, method="on_site", revision=quote.revision, actor=actor,
            signature=_signature(1),
        )  # fmt: skip
        payment_record(order=order, actor=actor, method=PaymentMethod.CASH)
    for line in quote.lines.filter(kind=LineKind.PART).select_related("part"):
        assert line.part is not None
        reservation = stock_reserve(order=order, part=line.part, quantity=1, actor=actor)
        part_install(
            reservation=reservation, actor=actor, code=line.part_code, removed_serial="OLD-2022-0309"
        )
    photo_add(
        actor=actor, order=order, role=PhotoRole.AFTER, data=_picture("after", (60, 140, 90)),
        filename="维修后.jpg",
    )  # fmt: skip
    order.refresh_from_db()
    visit_complete(actor=actor, order=order, signature=_signature(2))
    order.refresh_from_db()
    assert order_parts_used(order) or quote.status != QuoteStatus.SENT
    service_report_current(order=order)
