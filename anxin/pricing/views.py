"""Pages: the public price lists, the quote on the technician's phone (the customer signs on it), the
customer's quote from the SMS link, receipts, the signature image, and the staff CSV upload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.accounts.permissions import can, require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError, NotFound, ValidationFailed
from anxin.pricing import presenters, selectors, services
from anxin.pricing.choices import AnswerMethod, LineKind, PriceState
from anxin.pricing.imports import price_list_import
from anxin.pricing.models import Approval
from anxin.pricing.permissions import (
    ANSWER_QUOTE,
    BUILD_QUOTE,
    EDIT_PRICE_LIST,
    OVERRIDE_PRICE,
    RECORD_PAYMENT,
)
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_get_by_tracking, workorder_get_for

# --- public ----------------------------------------------------------------------------------------


def price_index(request: HttpRequest) -> HttpResponse:
    """Every brand that publishes its prices (no login)."""
    return render(request, "pricing/index.html", {"brands": selectors.brands_with_prices()})


def price_brand(request: HttpRequest, brand_code: str) -> HttpResponse:
    """A brand's price list in force, per category (no login): what a genuine technician may charge."""
    brand = selectors.brand_get_by_code(code=brand_code)
    category = selectors.category_by_code(code=request.GET.get("category", ""))
    prices = selectors.published_prices(brand=brand, category=category)
    return render(request, "pricing/brand.html", {"brand": brand, "category": category, "prices": prices})


# --- the quote on the technician's phone -----------------------------------------------------------


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("请输入整数"), code="invalid", field=field) from exc


def _start(request: AuthedRequest, order: WorkOrder) -> None:
    km = request.POST.get("distance_km", "").strip()
    services.quote_start(
        order=order,
        fault_code=selectors.fault_code_get_for(order=order, code=request.POST.get("fault_code", "")),
        actor=request.user,
        distance_km=_int(km, "distance_km") if km else None,
    )


def _add_part(request: AuthedRequest, order: WorkOrder) -> None:
    services.quote_line_add(
        quote=selectors.quote_get(order=order),
        actor=request.user,
        kind=LineKind.PART,
        part=selectors.part_get_for(order=order, part_number=request.POST.get("part_number", "")),
        part_code=request.POST.get("part_code", ""),
        quantity=_int(request.POST.get("quantity", "1"), "quantity"),
        unit_price=request.POST.get("unit_price") or None,
        override_reason=request.POST.get("override_reason", ""),
    )


def _remove(request: AuthedRequest, order: WorkOrder) -> None:
    line = selectors.quote_line_get(
        quote=selectors.quote_get(order=order), line_id=_int(request.POST.get("line", ""), "line")
    )
    services.quote_line_remove(line=line, actor=request.user)


def _override(request: AuthedRequest, order: WorkOrder) -> None:
    line = selectors.quote_line_get(
        quote=selectors.quote_get(order=order), line_id=_int(request.POST.get("line", ""), "line")
    )
    services.quote_line_override(
        line=line,
        unit_price=request.POST.get("unit_price", ""),
        reason=request.POST.get("reason", ""),
        actor=request.user,
    )


def _distance(request: AuthedRequest, order: WorkOrder) -> None:
    km = _int(request.POST.get("distance_km", ""), "distance_km")
    services.quote_distance_set(quote=selectors.quote_get(order=order), km=km, actor=request.user)


def _send(request: AuthedRequest, order: WorkOrder) -> None:
    services.quote_send(
        quote=selectors.quote_get(order=order), actor=request.user, sms=request.POST.get("sms") == "1"
    )


def _answer(request: AuthedRequest, order: WorkOrder) -> None:
    """The customer answers on the technician's phone: signed on the screen, recorded by the technician."""
    services.quote_answer(
        quote=selectors.quote_get(order=order),
        decision=request.POST.get("decision", ""),
        method=AnswerMethod.ON_SITE,
        revision=_int(request.POST.get("revision", ""), "revision"),
        actor=request.user,
        signature=services.signature_decode(request.POST.get("signature", ""))
        if request.POST.get("signature")
        else b"",
        note=request.POST.get("note", ""),
    )


def _pay(request: AuthedRequest, order: WorkOrder) -> None:
    payment = services.payment_record(order=order, actor=request.user, method=request.POST.get("method", ""))
    messages.success(
        request,
        _("已收款 ¥%(amount)s，收据号 %(number)s")
        % {"amount": payment.amount, "number": payment.receipt_number},
    )


ACTIONS: dict[str, Callable[[AuthedRequest, WorkOrder], None]] = {
    "start": _start,
    "add_part": _add_part,
    "remove": _remove,
    "override": _override,
    "distance": _distance,
    "send": _send,
    "answer": _answer,
    "pay": _pay,
}


@login_required
def order_quote(request: AuthedRequest, number: str) -> HttpResponse:
    """The visit's price on the technician's phone: warranty, lines, send, the customer's signature, payment."""
    order = workorder_get_for(actor=request.user, number=number)
    if request.method == "POST":
        handler = ACTIONS.get(request.POST.get("action", ""))
        try:
            if handler is None:
                raise ValidationFailed(_("未知的操作"), code="invalid", field="action")
            handler(request, order)
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect("pricing:order_quote", number=order.number)
    user = request.user
    quote = selectors.quote_current(order)
    view = presenters.quote_out(order)
    return render(
        request,
        "pricing/order_quote.html",
        {
            "order": order,
            "quote": quote,
            "view": view,
            "state_label": PriceState(view["state"]).label,
            "payments": selectors.order_payments(order),
            "fault_codes": selectors.fault_codes_for(order).order_by("code"),
            "parts": selectors.parts_for(order),
            "may_build": can(user, BUILD_QUOTE, order),
            "may_override": can(user, OVERRIDE_PRICE, order),
            "may_sign": can(user, ANSWER_QUOTE, order) and user.role == "technician",
            "may_pay": can(user, RECORD_PAYMENT, order),
        },
    )


# --- the customer's side ---------------------------------------------------------------------------


def customer_quote(request: HttpRequest, number: str) -> HttpResponse:
    """The quote from the SMS link (the order's tracking token is the key): read, sign, approve or decline."""
    token = request.POST.get("t") or request.GET.get("t", "")
    try:
        order = workorder_get_by_tracking(number=number, token=token)
    except NotFound:
        return render(request, "portal/track_missing.html", {"number": number}, status=404)
    if request.method == "POST":
        try:
            services.quote_answer(
                quote=selectors.quote_get(order=order),
                decision=request.POST.get("decision", ""),
                method=AnswerMethod.LINK,
                revision=_int(request.POST.get("revision", ""), "revision"),
                actor=None,
                signature=services.signature_decode(request.POST.get("signature", ""))
                if request.POST.get("signature")
                else b"",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("已收到您的答复，谢谢。"))
        return redirect(services.quote_link_path(order))
    return render(
        request,
        "pricing/customer_quote.html",
        {
            "order": order,
            "view": presenters.quote_out(order),
            "token": token,
            "payments": selectors.order_payments(order),
        },
    )


def _order_for(request: HttpRequest, number: str) -> WorkOrder:
    """Signed in: the order in the viewer's scope; otherwise the customer's link (tracking token)."""
    if request.user.is_authenticated:
        return workorder_get_for(actor=request.user, number=number)
    return workorder_get_by_tracking(number=number, token=request.GET.get("t", ""))


def receipt(request: HttpRequest, number: str, receipt_number: str) -> HttpResponse:
    """A payment's receipt: number, lines, totals, refunds; the payer masked."""
    order = _order_for(request, number)
    payment = selectors.payment_get_by_receipt(order=order, receipt_number=receipt_number)
    refunds = list(payment.refunds.all())
    refunded = sum((r.amount for r in refunds), Decimal("0.00"))
    return render(
        request,
        "pricing/receipt.html",
        {
            "order": order,
            "payment": payment,
            "refunds": refunds,
            "refunded": refunded,
            "net": payment.amount - refunded,
            "payer": presenters.payer_masked(order),
            "issued_at": timezone.localtime(payment.paid_at or payment.created_at),
        },
    )


def signature_image(request: HttpRequest, number: str, approval_id: int) -> HttpResponse:
    """The signature PNG of one answer, to whoever may see the order."""
    order = _order_for(request, number)
    approval = Approval.objects.filter(pk=approval_id, quote__order=order).first()
    png = services.approval_signature(approval) if approval else b""
    if not png:
        raise NotFound(_("没有该签名"), field="approval_id")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff -----------------------------------------------------------------------------------------


@login_required
def price_list_upload(request: AuthedRequest) -> HttpResponse:
    """Brand staff (and admins) publish a new version of a price list from a CSV file."""
    require(request.user, EDIT_PRICE_LIST)  # which brands: the form lists only the user's
    brands = selectors.brands_editable_by(actor=request.user)
    result = None
    if request.method == "POST":
        result = _upload(request)
    return render(
        request, "pricing/upload.html", {"brands": brands, "result": result, "today": timezone.localdate()}
    )


def _upload(request: AuthedRequest) -> object:
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > 1_000_000:
        messages.error(request, _("请选择不超过 1 MB 的 CSV 文件"))
        return None
    try:
        text = upload.read().decode("utf-8-sig")
        effective = dt.date.fromisoformat(request.POST.get("effective_from", ""))
    except (UnicodeDecodeError, ValueError):
        messages.error(request, _("文件须为 UTF-8 编码的 CSV，生效日期格式为 YYYY-MM-DD"))
        return None
    try:
        return price_list_import(
            brand=selectors.brand_get_by_code(code=request.POST.get("brand", "")), text=text, effective_from=effective,
            actor=request.user, visit_fee_on_decline=request.POST.get("visit_fee_on_decline") == "1",
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.detail)
        return None
