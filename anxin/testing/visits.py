"""A real visit for tests, the simulator and browser tests that need an order completed.

Completion is guarded (anxin/visits/completion.py): an order is completed only after its checklist,
diagnosis, photos, price (warranty or the customer's signed approval, then payment) and the customer's
sign-off. These helpers record each of them through the services, as the technician's phone does, so a
test that needs a completed order gets one that honestly passed the gate.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from PIL import Image, ImageDraw

from anxin.accounts.models import User
from anxin.catalog.models import FaultCode
from anxin.dispatch.services import technician_order_advance
from anxin.live.services import arrival_code_for, arrival_confirm
from anxin.network.models import Technician
from anxin.pricing.choices import Decision, LineKind, PaymentMethod, QuoteStatus
from anxin.pricing.models import PriceLine, PriceList, Quote
from anxin.pricing.selectors import price_list_in_force
from anxin.pricing.services import payment_record, quote_answer, quote_send, quote_start
from anxin.visits.choices import PhotoRole, VisitKind
from anxin.visits.models import SignOff
from anxin.visits.selectors import templates_for_order
from anxin.visits.services import diagnosis_record, photo_add, visit_complete
from anxin.visits.tests.factories import inspection_fill
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition

COVERED, NOT_COVERED = "T1", "T9"  # the fault codes this helper adds when the brand's list lacks them


def photo_jpeg(colour: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return out.getvalue()


def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 90), (280, 40)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def _fault_code(order: WorkOrder, *, covered: bool) -> FaultCode:
    """A fault code of the order's brand and category with labour in the list in force (made if missing:
    visit fee 50, covered labour 120, user-damage labour 200)."""
    assert order.brand is not None and order.category is not None
    code = COVERED if covered else NOT_COVERED
    fault, _ = FaultCode.objects.get_or_create(
        brand=order.brand,
        category=order.category,
        code=code,
        defaults={"name": "测试：加热故障" if covered else "测试：人为损坏"},
    )
    price_list = price_list_in_force(brand=order.brand)
    if price_list is None:
        last = PriceList.objects.filter(brand=order.brand).order_by("-version").first()
        price_list = PriceList.objects.create(
            brand=order.brand,
            version=(last.version + 1) if last else 1,
            effective_from=timezone.localdate() - dt.timedelta(days=1),
            visit_fee_on_decline=True,
        )
    if not price_list.lines.filter(kind=LineKind.VISIT_FEE, category=order.category).exists():
        PriceLine.objects.create(
            price_list=price_list, kind=LineKind.VISIT_FEE, category=order.category, amount=Decimal("50")
        )
    if not price_list.lines.filter(kind=LineKind.LABOUR, fault_code=fault).exists():
        PriceLine.objects.create(
            price_list=price_list,
            kind=LineKind.LABOUR,
            fault_code=fault,
            amount=Decimal("120" if covered else "200"),
            covered_by_warranty=covered,
        )
    return fault


def visit_reach_on_site(*, order: WorkOrder, technician: Technician) -> WorkOrder:
    """From ``received``: accepted, dispatched to ``technician``, accepted on his phone, set off (the phone's
    status button) and arrived with the customer's code, every step through its real service and guards."""
    workorder_transition(order=order, event=Event.ACCEPT, actor=None)
    workorder_transition(order=order, event=Event.DISPATCH, actor=None, technician=technician)
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    technician_order_advance(order=order, event=Event.DEPART, actor=technician.user)
    code = arrival_code_for(order=order).code
    order = arrival_confirm(order=order, code=code, actor=technician.user)
    order.refresh_from_db()
    return order


def visit_diagnose(*, order: WorkOrder, actor: User, paid: bool = False) -> WorkOrder:
    """From ``on_site``: the checklist (when the device has one: load the standards first if the test
    wants it), a before-photo and the diagnosis."""
    if any(t.kind == VisitKind.INSPECTION for t in templates_for_order(order=order)):
        inspection_fill(order=order, actor=actor)
    photo_add(actor=actor, order=order, role=PhotoRole.BEFORE, data=photo_jpeg("gray"), filename="前.jpg")
    fault = _fault_code(order, covered=not paid)
    diagnosis_record(actor=actor, order=order, fault_codes=[fault.code], cause="测试：诊断记录")
    order.refresh_from_db()
    return order


def visit_quote_send(*, order: WorkOrder, actor: User, paid: bool = True) -> Quote:
    """From ``diagnosed``: warranty decided; out of warranty the quote is sent (REQUEST_APPROVAL)."""
    fault = _fault_code(order, covered=not paid)
    if not paid and order.in_warranty is not True:
        WorkOrder.objects.filter(pk=order.pk).update(in_warranty=True)  # intake's answer: in warranty
        order.refresh_from_db()
    quote = quote_start(order=order, fault_code=fault, actor=actor)
    if quote.status == QuoteStatus.DRAFT:
        quote = quote_send(quote=quote, actor=actor)
    order.refresh_from_db()
    return quote


def visit_quote_approve(*, quote: Quote, actor: User) -> None:
    """The customer signs the quote on the technician's phone (START_REPAIR), then pays cash."""
    quote_answer(
        quote=quote, decision=Decision.APPROVED, method="on_site", revision=quote.revision, actor=actor,
        signature=signature_png(),
    )  # fmt: skip
    payment_record(order=quote.order, actor=actor, method=PaymentMethod.CASH)


def visit_price(*, order: WorkOrder, actor: User, paid: bool = False) -> WorkOrder:
    """From ``diagnosed`` to ``in_repair``: in warranty at once, or the signed approval and the payment."""
    quote = visit_quote_send(order=order, actor=actor, paid=paid)
    if quote.status == QuoteStatus.SENT:
        visit_quote_approve(quote=quote, actor=actor)
    order.refresh_from_db()
    return order


def visit_finish(*, order: WorkOrder, actor: User) -> SignOff:
    """From ``in_repair``: an after-photo, then the customer's signed sign-off completes the order."""
    photo_add(actor=actor, order=order, role=PhotoRole.AFTER, data=photo_jpeg("green"), filename="后.jpg")
    return visit_complete(actor=actor, order=order, signature=signature_png())


def visit_record(*, order: WorkOrder, actor: User | None = None, paid: bool = False) -> WorkOrder:
    """The whole visit of an order whose technician is on site, ending completed (see the module doc)."""
    if actor is None:
        assert order.technician is not None
        actor = order.technician.user
    assert order.status == Status.ON_SITE, order.status
    order = visit_diagnose(order=order, actor=actor, paid=paid)
    order = visit_price(order=order, actor=actor, paid=paid)
    visit_finish(order=order, actor=actor)
    order.refresh_from_db()
    return order


def part_fitted(
    *,
    order: WorkOrder,
    actor: User,
    stocker: User,
    code: str,
    removed_serial: str = "",
    number: str = "SN-PART",
) -> None:
    """A serialised genuine part with the brand's ``code``: received into the technician's van (by
    ``stocker``, a dispatcher), reserved for the order and installed, with the removed part's serial."""
    from anxin.parts import services as parts
    from anxin.parts.models import Part, PartCode

    assert order.brand is not None and order.technician is not None
    part, _ = Part.objects.get_or_create(
        brand=order.brand,
        part_number=number,
        defaults={"name": "测试配件", "list_price": Decimal("80.00"), "serialised": True},
    )
    PartCode.objects.get_or_create(code=code.upper(), defaults={"brand": order.brand, "part": part})
    van = parts.van_of(technician=order.technician)
    parts.stock_receive(location=van, part=part, quantity=1, actor=stocker)
    reservation = parts.stock_reserve(order=order, part=part, quantity=1, actor=actor)
    parts.part_install(reservation=reservation, actor=actor, code=code, removed_serial=removed_serial)
