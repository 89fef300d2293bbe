"""/api/v1/pricing: published prices (public), the quote of an order step by step, the customer's
answer, payments and refunds, and the CSV import of a price list.

An order is looked up in the caller's scope first (404 for an order that is not theirs); the service
then checks the permission table (403 for a role without the grant)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from ninja import Router

from anxin.accounts.auth import api_auth
from anxin.accounts.requests import AuthedRequest
from anxin.catalog.models import FaultCode
from anxin.core.exceptions import NotFound, ValidationFailed
from anxin.core.schemas import ObjectId, errors
from anxin.pricing import presenters, selectors, services
from anxin.pricing.choices import AnswerMethod
from anxin.pricing.imports import csv_errors_text, price_list_import
from anxin.pricing.models import Quote, QuoteLine
from anxin.pricing.schemas import (
    AnswerIn,
    DistanceIn,
    ImportIn,
    ImportOut,
    LinkAnswerIn,
    OverrideIn,
    PaymentIn,
    PaymentOut,
    PriceListOut,
    QuoteLineIn,
    QuoteOut,
    QuoteStartIn,
    RefundIn,
    SendIn,
)
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_get_by_tracking, workorder_get_for

router = Router(tags=["pricing"], auth=api_auth)
ERRORS = errors(400, 401, 403, 404, 409, 413, 422)


def _order(request: AuthedRequest, number: str) -> WorkOrder:
    return workorder_get_for(actor=request.auth, number=number)


def _quote(order: WorkOrder) -> Quote:
    return selectors.quote_get(order=order)


def _fault(order: WorkOrder, code: str | None) -> FaultCode:
    return selectors.fault_code_get_for(order=order, code=code or "")


@router.get("/brands/{code}/prices", auth=None, response={200: PriceListOut, **errors(404, 422)})
def prices_published(request: Any, code: str) -> dict[str, Any]:
    """The brand's price list in force today (public, no login)."""
    price_list = selectors.price_list_in_force(brand=selectors.brand_get_by_code(code=code))
    if price_list is None:
        raise NotFound(gettext("该品牌尚未发布收费标准"), field="code")
    return presenters.price_list_out(price_list)


@router.post("/price-lists/import", response={200: ImportOut, **ERRORS})
def price_list_upload(request: AuthedRequest, body: ImportIn) -> dict[str, Any]:
    """Publish a new version from CSV. Any bad line: 422 ``invalid_csv`` (field ``csv``) whose detail names
    every bad line and field (``line 3, amount: …``), and nothing is saved."""
    result = price_list_import(
        brand=selectors.brand_get_by_code(code=body.brand), text=body.csv, effective_from=body.effective_from,
        actor=request.auth, visit_fee_on_decline=body.visit_fee_on_decline,
    )  # fmt: skip
    if result.errors:
        raise ValidationFailed(csv_errors_text(result.errors), code="invalid_csv", field="csv")
    assert result.price_list is not None
    return {"version": result.price_list.version, "lines": result.lines}


@router.get("/orders/{number}/quote", response={200: QuoteOut, **ERRORS})
def quote_get(request: AuthedRequest, number: str) -> dict[str, Any]:
    return presenters.quote_out(_order(request, number))


@router.post("/orders/{number}/quote", response={200: QuoteOut, **ERRORS})
def quote_create(request: AuthedRequest, number: str, body: QuoteStartIn) -> dict[str, Any]:
    """Decide warranty for the diagnosed fault: in warranty the repair starts; else a draft quote."""
    order = _order(request, number)
    services.quote_start(
        order=order,
        fault_code=_fault(order, body.fault_code),
        actor=request.auth,
        distance_km=body.distance_km,
    )
    return presenters.quote_out(order)


@router.post("/orders/{number}/quote/lines", response={200: QuoteOut, **ERRORS})
def quote_line_create(request: AuthedRequest, number: str, body: QuoteLineIn) -> dict[str, Any]:
    """Add a part (at its list price) or another fault's labour; above the list needs a supervisor."""
    order = _order(request, number)
    part = (
        selectors.part_get_for(order=order, part_number=body.part_number or "")
        if body.kind == "part"
        else None
    )
    services.quote_line_add(
        quote=_quote(order), actor=request.auth, kind=body.kind, part=part,
        fault_code=_fault(order, body.fault_code) if body.kind == "labour" else None,
        part_code=body.part_code, quantity=body.quantity, unit_price=body.unit_price,
        override_reason=body.override_reason,
    )  # fmt: skip
    return presenters.quote_out(order)


def _line(order: WorkOrder, line_id: int) -> QuoteLine:
    return selectors.quote_line_get(quote=_quote(order), line_id=line_id)


@router.delete("/orders/{number}/quote/lines/{line_id}", response={200: QuoteOut, **ERRORS})
def quote_line_delete(request: AuthedRequest, number: str, line_id: ObjectId) -> dict[str, Any]:
    order = _order(request, number)
    services.quote_line_remove(line=_line(order, line_id), actor=request.auth)
    return presenters.quote_out(order)


@router.post("/orders/{number}/quote/lines/{line_id}/override", response={200: QuoteOut, **ERRORS})
def quote_line_price_override(
    request: AuthedRequest, number: str, line_id: ObjectId, body: OverrideIn
) -> dict[str, Any]:
    """A supervisor (dispatcher, admin, the brand's staff) allows a line above the list price."""
    order = _order(request, number)
    services.quote_line_override(
        line=_line(order, line_id), unit_price=body.unit_price, reason=body.reason, actor=request.auth
    )
    return presenters.quote_out(order)


@router.put("/orders/{number}/quote/distance", response={200: QuoteOut, **ERRORS})
def quote_distance(request: AuthedRequest, number: str, body: DistanceIn) -> dict[str, Any]:
    order = _order(request, number)
    services.quote_distance_set(quote=_quote(order), km=body.distance_km, actor=request.auth)
    return presenters.quote_out(order)


@router.post("/orders/{number}/quote/send", response={200: QuoteOut, **ERRORS})
def quote_send(request: AuthedRequest, number: str, body: SendIn) -> dict[str, Any]:
    """Ask the customer (the order awaits approval); ``sms`` texts them the link to answer remotely."""
    order = _order(request, number)
    services.quote_send(quote=_quote(order), actor=request.auth, sms=body.sms)
    return presenters.quote_out(order)


@router.post("/orders/{number}/quote/answer", response={200: QuoteOut, **ERRORS})
def quote_answer(request: AuthedRequest, number: str, body: AnswerIn) -> dict[str, Any]:
    """The customer answers: signed in, or on the technician's phone (the technician's session)."""
    order = _order(request, number)
    method = AnswerMethod.ON_SITE if request.auth.role == "technician" else AnswerMethod.ACCOUNT
    services.quote_answer(
        quote=_quote(order), decision=body.decision, method=method, revision=body.revision, actor=request.auth,
        signature=services.signature_decode(body.signature) if body.signature else b"", note=body.note,
    )  # fmt: skip
    return presenters.quote_out(order)


@router.post("/orders/{number}/quote/answer-by-link", auth=None, response={200: QuoteOut, **ERRORS})
def quote_answer_by_link(request: Any, number: str, body: LinkAnswerIn) -> dict[str, Any]:
    """The customer answers from the SMS link: the order's tracking token is the key."""
    order = workorder_get_by_tracking(number=number, token=body.token)
    services.quote_answer(
        quote=_quote(order), decision=body.decision, method=AnswerMethod.LINK, revision=body.revision, actor=None,
        signature=services.signature_decode(body.signature) if body.signature else b"", note=body.note,
    )  # fmt: skip
    return presenters.quote_out(order)


@router.get("/orders/{number}/payments", response={200: list[PaymentOut], **ERRORS})
def payment_list(request: AuthedRequest, number: str) -> list[dict[str, Any]]:
    return [presenters.payment_out(p) for p in selectors.order_payments(_order(request, number))]


@router.post("/orders/{number}/payments", response={200: PaymentOut, **ERRORS})
def payment_create(request: AuthedRequest, number: str, body: PaymentIn) -> dict[str, Any]:
    """Collect what is still due (cash, or the configured payment provider)."""
    payment = services.payment_record(order=_order(request, number), actor=request.auth, method=body.method)
    return presenters.payment_out(payment)


@router.post("/orders/{number}/payments/{receipt_number}/refunds", response={200: PaymentOut, **ERRORS})
def refund_create(request: AuthedRequest, number: str, receipt_number: str, body: RefundIn) -> dict[str, Any]:
    """Refund part or all of a payment (never more than was paid)."""
    payment = selectors.payment_get_by_receipt(order=_order(request, number), receipt_number=receipt_number)
    services.refund_create(payment=payment, amount=body.amount, reason=body.reason, actor=request.auth)
    return presenters.payment_out(selectors.order_payments(payment.order).get(pk=payment.pk))
