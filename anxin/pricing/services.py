"""Writes for pricing: warranty decision, quote built from price-list lines, the customer's answer,
payments and refunds. Each service checks the permission table first and runs in one transaction.

Genuine-part check: a serialised part's line carries the installed part's brand-issued code
(``part_code``, required). Verifying it (unknown or already-used codes refused) is
``anxin.parts.services.part_code_verify``, called by ``quote_line_add`` before its transaction opens, so
the alert a refusal writes for the brand survives the refusal (docs/parts.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image

from anxin.accounts.models import User
from anxin.accounts.permissions import can, require
from anxin.catalog.models import FaultCode
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.core.images import image_decode, image_inspect
from anxin.parts.models import Part
from anxin.parts.services import part_code_verify
from anxin.pricing import selectors
from anxin.pricing.choices import (
    AnswerMethod,
    Decision,
    LineKind,
    PaymentMethod,
    PaymentStatus,
    QuoteStatus,
)
from anxin.pricing.models import (
    Approval,
    Payment,
    PriceLine,
    PriceList,
    PriceOverride,
    Quote,
    QuoteLine,
    Refund,
)
from anxin.pricing.permissions import (
    ANSWER_QUOTE,
    BUILD_QUOTE,
    OVERRIDE_PRICE,
    RECORD_PAYMENT,
    REFUND,
)
from anxin.pricing.providers import get_payment_provider
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition

CENT = Decimal("0.01")
# A signature is a few strokes: a PNG of a phone-width canvas is 5–40 kB. Anything much larger is not one.
SIGNATURE_MAX_BYTES = 200_000
SIGNATURE_MAX_SIDE = 2000
# Order statuses in which the quote may be built or changed (a part found during repair changes it too).
QUOTE_EDITABLE = frozenset({Status.DIAGNOSED, Status.AWAITING_APPROVAL, Status.IN_REPAIR})


# --- warranty --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarrantyVerdict:
    in_warranty: bool
    basis: str  # stored on the quote (no personal data)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter: 31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def warranty_verdict(*, order: WorkOrder, labour: PriceLine | None, on: dt.date) -> WarrantyVerdict:
    """In warranty when the device's warranty runs on ``on`` and the fault is covered by it.

    The end comes from the device (``warranty_end``), else its purchase date plus the model's warranty
    months (the brand's default when the model has none), else what intake recorded on the order.
    A fault the price list marks as not covered (user damage) is paid even within the warranty.
    """
    end: dt.date | None = None
    device = order.device
    if device is not None and device.warranty_end is not None:
        end = device.warranty_end
    elif device is not None and device.purchase_date is not None:
        model = device.product_model
        months = (
            model.warranty_months if model is not None else None
        ) or device.brand.default_warranty_months
        end = _add_months(device.purchase_date, months)
    if end is not None:
        covered_by_date = on <= end
        basis = f"warranty end {end.isoformat()}"
    elif order.in_warranty is not None:
        covered_by_date = bool(order.in_warranty)
        basis = "warranty as recorded at intake"
    else:
        return WarrantyVerdict(False, "warranty unknown: no device warranty end or purchase date")
    if not covered_by_date:
        return WarrantyVerdict(False, basis + " (expired)")
    if labour is not None and not labour.covered_by_warranty:
        return WarrantyVerdict(False, basis + f"; fault {labour.fault_code} not covered by warranty")
    return WarrantyVerdict(True, basis)


# --- building the quote ----------------------------------------------------------------------------


def _price_list_for(order: WorkOrder) -> PriceList:
    if order.brand is None:
        raise Conflict(_("工单尚未确定品牌，无法报价"), code="no_price_list", field="brand")
    price_list = selectors.price_list_in_force(brand=order.brand)
    if price_list is None:
        raise Conflict(_("该品牌尚未发布收费标准"), code="no_price_list", field="brand")
    return price_list


def _labour_line(price_list: PriceList, fault_code: FaultCode) -> PriceLine | None:
    return price_list.lines.filter(kind=LineKind.LABOUR, fault_code=fault_code).first()


def _check_fault_code(order: WorkOrder, fault_code: FaultCode) -> None:
    if fault_code.brand_id != order.brand_id or fault_code.category_id != order.category_id:
        raise ValidationFailed(_("故障代码不属于该工单的品牌和品类"), code="invalid", field="fault_code")


@transaction.atomic
def quote_start(
    *, order: WorkOrder, fault_code: FaultCode, actor: User, distance_km: int | None = None
) -> Quote:
    """Decide warranty for the diagnosed fault: in warranty the repair starts at once (nothing to pay);
    otherwise a draft quote with the visit fee, the fault's labour and the distance tier."""
    require(actor, BUILD_QUOTE, order)
    if order.status != Status.DIAGNOSED:
        raise Conflict(_("请先完成故障诊断再报价"), code="not_diagnosed", field="status")
    _check_fault_code(order, fault_code)
    current = selectors.quote_current(order)
    if current is not None and current.status != QuoteStatus.DECLINED:
        raise Conflict(_("该工单已有报价"), code="quote_exists", field="quote")
    price_list = selectors.price_list_in_force(brand=order.brand) if order.brand else None
    labour = _labour_line(price_list, fault_code) if price_list else None
    verdict = warranty_verdict(order=order, labour=labour, on=timezone.localdate())
    quote = Quote(
        order=order,
        price_list=price_list,
        fault_code=fault_code,
        in_warranty=verdict.in_warranty,
        warranty_basis=verdict.basis[:200],
        distance_km=distance_km,
        status=QuoteStatus.IN_WARRANTY if verdict.in_warranty else QuoteStatus.DRAFT,
        created_by=actor,
    )
    if verdict.in_warranty:
        quote.save()
        workorder_transition(order=order, event=Event.START_REPAIR, actor=actor, note=_("保内免费维修"))
        return quote
    price_list = _price_list_for(order)
    if labour is None:
        raise Conflict(_("收费标准中没有该故障的工时费"), code="not_in_price_list", field="fault_code")
    quote.save()
    visit = price_list.lines.filter(kind=LineKind.VISIT_FEE, category_id=order.category_id).first()
    if visit is not None:
        _line_create(
            quote=quote, price_line=visit, kind=LineKind.VISIT_FEE, description=_("上门检测费"), actor=actor
        )
    _line_create(
        quote=quote,
        price_line=labour,
        kind=LineKind.LABOUR,
        description=str(fault_code),
        actor=actor,
        fault_code=fault_code,
    )
    if distance_km is not None:
        _distance_line(quote=quote, km=distance_km, actor=actor)
    return quote


def _line_create(
    *,
    quote: Quote,
    price_line: PriceLine | None,
    kind: str,
    description: str,
    actor: User,
    list_unit_price: Decimal | None = None,
    **extra: Any,
) -> QuoteLine:
    price = (
        list_unit_price if list_unit_price is not None else price_line.amount if price_line else Decimal("0")
    )
    line = QuoteLine(
        quote=quote,
        kind=kind,
        price_line=price_line,
        description=description[:200],
        list_unit_price=price,
        unit_price=extra.pop("unit_price", price),
        added_by=actor,
        **extra,
    )
    line.full_clean(exclude=["quote", "price_line", "fault_code", "part", "override", "added_by"])
    line.save()
    return line


def _distance_tier(price_list: PriceList, km: int, category_id: int | None) -> PriceLine | None:
    tiers = price_list.lines.filter(kind=LineKind.DISTANCE).order_by("-category_id", "km_from")
    for tier in tiers:
        if tier.category_id not in (None, category_id):
            continue
        if (tier.km_from or 0) <= km and (tier.km_to is None or km < tier.km_to):
            return tier
    return None


def _distance_line(*, quote: Quote, km: int, actor: User) -> None:
    assert quote.price_list is not None
    quote.lines.filter(kind=LineKind.DISTANCE).delete()
    tier = _distance_tier(quote.price_list, km, quote.order.category_id)
    if tier is not None and tier.amount > 0:
        _line_create(
            quote=quote, price_line=tier, kind=LineKind.DISTANCE, actor=actor,
            description=_("远程费（%(km)s 公里）") % {"km": km},
        )  # fmt: skip


def _editable(quote: Quote, actor: User) -> None:
    require(actor, BUILD_QUOTE, quote.order, field="quote")
    if quote.status in (QuoteStatus.IN_WARRANTY, QuoteStatus.DECLINED):
        raise Conflict(_("该报价已不能修改"), code="quote_closed", field="quote")
    if quote.order.status not in QUOTE_EDITABLE:
        raise Conflict(_("工单当前状态不能修改报价"), code="quote_closed", field="quote")


def _quote_changed(quote: Quote, *, reason: str) -> None:
    """Any change of the lines: a new revision, back to draft, and the old answer no longer counts."""
    updated = Quote.objects.filter(pk=quote.pk, revision=quote.revision).update(
        revision=F("revision") + 1, status=QuoteStatus.DRAFT, updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("报价已被他人修改，请刷新后重试"), code="concurrent_update", field="quote")
    Approval.objects.filter(quote=quote, invalidated_at__isnull=True).update(
        invalidated_at=timezone.now(), invalidated_reason=reason[:200]
    )
    quote.refresh_from_db(fields=["revision", "status", "updated_at"])


def _money(value: Decimal | str | int | float, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("金额格式不正确"), code="invalid", field=field) from exc
    if amount < 0 or amount >= Decimal("100000000"):
        raise ValidationFailed(_("金额超出范围"), code="invalid", field=field)
    return amount


def _override_create(
    *, actor: User, quote: Quote, list_price: Decimal, unit_price: Decimal, reason: str
) -> PriceOverride:
    """A price above the list: only a supervisor, with a reason; refused as ``price_above_list`` otherwise."""
    if not can(actor, OVERRIDE_PRICE, quote.order):
        raise Conflict(
            _("单价 ¥%(price)s 高于收费标准 ¥%(list)s，需主管批准")
            % {"price": unit_price, "list": list_price},
            code="price_above_list",
            field="unit_price",
        )
    if not reason.strip():
        raise ValidationFailed(_("超出收费标准须填写原因"), code="reason_required", field="reason")
    return PriceOverride.objects.create(
        approved_by=actor, reason=reason.strip()[:300], list_unit_price=list_price, unit_price=unit_price
    )


@dataclass(frozen=True)
class _Priced:
    """What a new line is charged from: the price-list line (if any), the list unit price, its fields."""

    price_line: PriceLine | None
    list_price: Decimal
    description: str
    fields: dict[str, Any]


def _part_priced(quote: Quote, part: Part | None, part_code: str, quantity: int) -> _Priced:
    assert quote.price_list is not None
    if part is None or part.brand_id != quote.order.brand_id or not part.active:
        raise ValidationFailed(_("请选择该品牌的配件"), code="invalid", field="part")
    price_line = quote.price_list.lines.filter(kind=LineKind.PART, part=part).first()
    fields: dict[str, Any] = {"part": part}
    part_code = part_code.strip()
    if part.serialised:
        if not part_code:
            raise ValidationFailed(
                _("序列号管理的配件须扫描或填写防伪码"), code="part_code_required", field="part_code"
            )
        if quantity != 1:
            raise ValidationFailed(_("序列号管理的配件每行只能一件"), code="invalid", field="quantity")
        if quote.lines.filter(part_code=part_code).exists():
            raise Conflict(_("该防伪码已在报价中"), code="part_code_used", field="part_code")
        # quote_line_add verified the code with parts (outside this transaction) before we got here.
        fields["part_code"] = part_code[:80]
    list_price = price_line.amount if price_line else part.list_price
    return _Priced(price_line, list_price, str(part), fields)


def _labour_priced(quote: Quote, fault_code: FaultCode | None) -> _Priced:
    assert quote.price_list is not None
    if fault_code is None:
        raise ValidationFailed(_("请选择故障代码"), code="invalid", field="fault_code")
    _check_fault_code(quote.order, fault_code)
    price_line = _labour_line(quote.price_list, fault_code)
    if price_line is None:
        raise Conflict(_("收费标准中没有该故障的工时费"), code="not_in_price_list", field="fault_code")
    return _Priced(price_line, price_line.amount, str(fault_code), {"fault_code": fault_code})


def quote_line_add(
    *,
    quote: Quote,
    actor: User,
    kind: str,
    part: Part | None = None,
    fault_code: FaultCode | None = None,
    part_code: str = "",
    quantity: int = 1,
    unit_price: Decimal | str | None = None,
    override_reason: str = "",
) -> QuoteLine:
    """Add a part or another fault's labour, priced from the price list (a part at its list price unless
    the list overrides it). A higher unit price needs a supervisor's override (``price_above_list``).

    A serialised part's code is verified by parts first, outside the line's transaction: an unknown,
    mismatched or already-installed code is refused and the alert it writes for the brand stays.
    """
    if kind == LineKind.PART and part is not None and part.serialised and part_code.strip():
        require(actor, BUILD_QUOTE, quote.order)  # refused before any lookup: no alert from a stranger
        if part.brand_id == quote.order.brand_id and part.active:
            part_code_verify(order=quote.order, part=part, code=part_code, actor=actor)
    return _quote_line_add(
        quote=quote, actor=actor, kind=kind, part=part, fault_code=fault_code, part_code=part_code,
        quantity=quantity, unit_price=unit_price, override_reason=override_reason,
    )  # fmt: skip


@transaction.atomic
def _quote_line_add(
    *,
    quote: Quote,
    actor: User,
    kind: str,
    part: Part | None = None,
    fault_code: FaultCode | None = None,
    part_code: str = "",
    quantity: int = 1,
    unit_price: Decimal | str | None = None,
    override_reason: str = "",
) -> QuoteLine:
    quote = (
        Quote.objects.select_for_update(of=("self",)).select_related("order", "price_list").get(pk=quote.pk)
    )
    _editable(quote, actor)
    if not 1 <= quantity <= 99:
        raise ValidationFailed(_("数量须在 1–99 之间"), code="invalid", field="quantity")
    if kind == LineKind.PART:
        priced = _part_priced(quote, part, part_code, quantity)
    elif kind == LineKind.LABOUR:
        priced = _labour_priced(quote, fault_code)
    else:
        raise ValidationFailed(
            _("只能添加配件或工时费（上门费与远程费按收费标准自动计入）"), code="invalid", field="kind"
        )
    extra = {**priced.fields, "quantity": quantity}
    price = priced.list_price if unit_price in (None, "") else _money(unit_price, "unit_price")
    if price > priced.list_price:
        extra["override"] = _override_create(
            actor=actor, quote=quote, list_price=priced.list_price, unit_price=price, reason=override_reason
        )
    line = _line_create(
        quote=quote, price_line=priced.price_line, kind=kind, description=priced.description, actor=actor,
        list_unit_price=priced.list_price, unit_price=price, **extra,
    )  # fmt: skip
    _quote_changed(quote, reason=f"line {line.pk} added")
    return line


@transaction.atomic
def quote_line_remove(*, line: QuoteLine, actor: User) -> Quote:
    quote = Quote.objects.select_for_update(of=("self",)).select_related("order").get(pk=line.quote_id)
    _editable(quote, actor)
    if line.kind in (LineKind.VISIT_FEE, LineKind.LABOUR) and line.fault_code_id == quote.fault_code_id:
        raise Conflict(_("上门费和诊断故障的工时费不能删除"), code="line_required", field="line")
    QuoteLine.objects.filter(pk=line.pk, quote=quote).delete()
    _quote_changed(quote, reason=f"line {line.pk} removed")
    return quote


@transaction.atomic
def quote_line_override(*, line: QuoteLine, unit_price: Decimal | str, reason: str, actor: User) -> QuoteLine:
    """A supervisor sets a line above its list price (audited row; the customer sees it marked)."""
    quote = Quote.objects.select_for_update(of=("self",)).select_related("order").get(pk=line.quote_id)
    require(actor, OVERRIDE_PRICE, quote.order, field="line")
    if (
        quote.status in (QuoteStatus.IN_WARRANTY, QuoteStatus.DECLINED)
        or quote.order.status not in QUOTE_EDITABLE
    ):
        raise Conflict(_("该报价已不能修改"), code="quote_closed", field="quote")
    price = _money(unit_price, "unit_price")
    if price <= line.list_unit_price:
        raise ValidationFailed(_("批准价须高于标准价"), code="invalid", field="unit_price")
    line.override = _override_create(
        actor=actor, quote=quote, list_price=line.list_unit_price, unit_price=price, reason=reason
    )
    line.unit_price = price
    line.save(update_fields=["override", "unit_price"])
    _quote_changed(quote, reason=f"line {line.pk} price overridden")
    return line


@transaction.atomic
def quote_distance_set(*, quote: Quote, km: int, actor: User) -> Quote:
    quote = (
        Quote.objects.select_for_update(of=("self",)).select_related("order", "price_list").get(pk=quote.pk)
    )
    _editable(quote, actor)
    if not 0 <= km <= 2000:
        raise ValidationFailed(_("距离须在 0–2000 公里之间"), code="invalid", field="distance_km")
    quote.distance_km = km
    quote.save(update_fields=["distance_km"])
    _distance_line(quote=quote, km=km, actor=actor)
    _quote_changed(quote, reason="distance changed")
    return quote


@transaction.atomic
def quote_send(*, quote: Quote, actor: User, sms: bool = False) -> Quote:
    """Show the quote to the customer (REQUEST_APPROVAL on the order) and, with ``sms``, text them the link."""
    from anxin.pricing.tasks import quote_link_text

    quote = Quote.objects.select_for_update(of=("self",)).select_related("order").get(pk=quote.pk)
    _editable(quote, actor)
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        raise Conflict(_("报价已答复；修改后才能再次发送"), code="quote_answered", field="quote")
    if not quote.lines.exists():
        raise Conflict(_("报价没有明细"), code="quote_empty", field="quote")
    quote.status = QuoteStatus.SENT
    quote.save(update_fields=["status", "updated_at"])
    if quote.order.status == Status.DIAGNOSED:
        workorder_transition(order=quote.order, event=Event.REQUEST_APPROVAL, actor=actor)
    if sms:
        quote_link_text.enqueue(quote_id=quote.pk)
    return quote


# --- what the customer approves ---------------------------------------------------------------------


def quote_content(quote: Quote) -> dict[str, Any]:
    """Exactly what the customer is shown and answers: order, price list version, lines, total.

    Amounts are strings with two decimals, so the JSON (and its hash) never depends on float rendering.
    """
    lines: list[dict[str, Any]] = [
        {
            "kind": line.kind,
            "description": line.description,
            "fault_code": line.fault_code.code if line.fault_code else None,
            "part_number": line.part.part_number if line.part else None,
            "part_code": line.part_code or None,
            "quantity": line.quantity,
            "list_unit_price": f"{line.list_unit_price:.2f}",
            "unit_price": f"{line.unit_price:.2f}",
            "amount": f"{line.amount:.2f}",
            "above_list_price": line.override_id is not None,
        }
        for line in QuoteLine.objects.filter(quote=quote).select_related("fault_code", "part").order_by("pk")
    ]
    total = sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))
    price_list = quote.price_list
    return {
        "order": quote.order.number,
        "quote": quote.pk,
        "revision": quote.revision,
        "currency": "CNY",
        "price_list": {
            "brand": price_list.brand.code,
            "version": price_list.version,
            "effective_from": price_list.effective_from.isoformat(),
            "visit_fee_on_decline": price_list.visit_fee_on_decline,
        }
        if price_list
        else None,
        "lines": lines,
        "total": f"{total:.2f}",
    }


def canonical_json(content: dict[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 text kept as is: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_sha256(content_json: str) -> str:
    return hashlib.sha256(content_json.encode("utf-8")).hexdigest()


def signature_validate(data: bytes) -> bytes:
    """A drawn signature: a PNG within size limits with something drawn on it; re-encoded (no metadata)."""
    if not data:
        raise ValidationFailed(_("请客户在签名框内签名"), code="signature_required", field="signature")
    if len(data) > SIGNATURE_MAX_BYTES:
        raise ValidationFailed(_("签名图片过大"), code="signature_too_large", field="signature")
    info = image_inspect(data, field="signature")
    if info.format != "PNG":
        raise ValidationFailed(_("签名须为 PNG 图片"), code="unsupported_image", field="signature")
    if max(info.width, info.height) > SIGNATURE_MAX_SIDE or min(info.width, info.height) < 20:
        raise ValidationFailed(_("签名图片尺寸不正确"), code="signature_too_large", field="signature")
    image = image_decode(data, field="signature").convert("RGBA")
    # Ink is any pixel that is visible and not white: an empty canvas (transparent or white) is no signature.
    alpha = image.getchannel("A").point(lambda a: 255 if a > 32 else 0)
    dark = image.convert("L").point(lambda v: 255 if v < 200 else 0)
    ink = Image.composite(dark, Image.new("L", image.size, 0), alpha)
    if ink.getbbox() is None:
        raise ValidationFailed(_("签名为空，请客户签名"), code="signature_required", field="signature")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def signature_decode(text: str) -> bytes:
    """A data URL (``data:image/png;base64,…``, as the signature pad gives) or plain base64 to bytes."""
    payload = text.split(",", 1)[1] if text.startswith("data:") else text
    if len(payload) > SIGNATURE_MAX_BYTES * 4 // 3 + 8:
        raise ValidationFailed(_("签名图片过大"), code="signature_too_large", field="signature")
    try:
        return base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise ValidationFailed(_("签名数据格式不正确"), code="invalid", field="signature") from exc


# Who answered, as the order's timeline and the approval name them (no personal data).
ANSWER_LABELS = {
    AnswerMethod.ON_SITE: "customer (on the technician's phone)",
    AnswerMethod.ACCOUNT: "customer (signed in)",
    AnswerMethod.LINK: "customer (tracking link)",
}


def _answer_authorised(*, order: WorkOrder, method: str, actor: User | None) -> None:
    """LINK: nobody signed in (the caller checked the token); ON_SITE: the order's technician;
    ACCOUNT: the order's customer."""
    if method == AnswerMethod.LINK:
        if actor is not None:
            raise PermissionDenied(_("请使用短信中的链接"), field="method")
        return
    if method not in (AnswerMethod.ON_SITE, AnswerMethod.ACCOUNT):
        raise ValidationFailed(_("未知的答复方式"), code="invalid", field="method")
    require(actor, ANSWER_QUOTE, order, field="quote")
    assert actor is not None
    expected_role = "technician" if method == AnswerMethod.ON_SITE else "customer"
    if actor.role != expected_role:
        raise PermissionDenied(_("答复方式与您的角色不符"), code="forbidden", field="method")


@transaction.atomic
def quote_answer(
    *,
    quote: Quote,
    decision: str,
    method: str,
    revision: int,
    actor: User | None,
    signature: bytes = b"",
    note: str = "",
) -> Approval:
    """The customer's answer to the revision they were shown, with the exact lines and their hash.

    ``method``: ON_SITE (signed on the technician's phone; ``actor`` is the technician), ACCOUNT (the
    signed-in customer), LINK (the SMS link; ``actor`` None, the caller checked the order's token).
    Approving needs a signature; approving starts the repair, declining completes the visit.
    """
    quote = (
        Quote.objects.select_for_update(of=("self",))
        .select_related("order__customer", "price_list__brand")
        .get(pk=quote.pk)
    )
    order = quote.order
    _answer_authorised(order=order, method=method, actor=actor)
    if decision not in Decision.values:
        raise ValidationFailed(_("答复须为同意或拒绝"), code="invalid", field="decision")
    if quote.status != QuoteStatus.SENT:
        raise Conflict(_("报价尚未发送或已答复"), code="quote_not_sent", field="quote")
    if revision != quote.revision:
        raise Conflict(_("报价已修改，请查看最新报价后再确认"), code="quote_changed", field="revision")
    png = signature_validate(signature) if decision == Decision.APPROVED or signature else b""
    content = canonical_json(quote_content(quote))
    approval = Approval.objects.create(
        quote=quote,
        revision=quote.revision,
        decision=decision,
        method=method,
        content=content,
        content_sha256=content_sha256(content),
        total=Decimal(json.loads(content)["total"]),
        signature_png=base64.b64encode(png).decode() if png else "",
        signature_sha256=hashlib.sha256(png).hexdigest() if png else "",
        recorded_by=actor,
        actor_label=ANSWER_LABELS[AnswerMethod(method)],
        note=note.strip()[:300],
        decided_at=timezone.now(),
    )
    updated = Quote.objects.filter(pk=quote.pk, revision=quote.revision, status=QuoteStatus.SENT).update(
        status=QuoteStatus.APPROVED if decision == Decision.APPROVED else QuoteStatus.DECLINED,
        updated_at=timezone.now(),  # update() skips auto_now
    )
    if updated != 1:
        raise Conflict(_("报价已被他人修改，请刷新后重试"), code="concurrent_update", field="quote")
    _answer_moves_order(
        order=order, decision=decision, actor=actor, label=ANSWER_LABELS[AnswerMethod(method)], note=note
    )
    return approval


def _answer_moves_order(
    *, order: WorkOrder, decision: str, actor: User | None, label: str, note: str
) -> None:
    if order.status != Status.AWAITING_APPROVAL:
        return  # a changed quote re-approved during the repair: the order is already in repair
    if decision == Decision.APPROVED:
        workorder_transition(
            order=order, event=Event.START_REPAIR, actor=actor, note=_("客户同意报价"), actor_label=label
        )
    else:
        text = _("客户拒绝报价，未维修") + (f"：{note.strip()[:200]}" if note.strip() else "")
        workorder_transition(order=order, event=Event.COMPLETE, actor=actor, note=text, actor_label=label)


def approval_signature(approval: Approval) -> bytes:
    """The signature PNG (decrypted), for the report and the receipt page."""
    return base64.b64decode(approval.signature_png) if approval.signature_png else b""


# --- money -----------------------------------------------------------------------------------------


def order_amount_due(order: WorkOrder) -> tuple[Decimal, list[dict[str, Any]]]:
    """What the customer owes for the visit and the lines it is for: nothing in warranty, the approved
    total, or after a decline the visit fee (and distance) when the price list says so."""
    quote = selectors.quote_current(order)
    if quote is None or quote.status == QuoteStatus.IN_WARRANTY:
        return Decimal("0.00"), []
    answer = selectors.approval_valid(quote)
    if answer is None:
        return Decimal("0.00"), []
    lines: list[dict[str, Any]] = json.loads(answer.content)["lines"]
    if answer.decision == Decision.DECLINED:
        pays = quote.price_list is not None and quote.price_list.visit_fee_on_decline
        lines = [line for line in lines if pays and line["kind"] in (LineKind.VISIT_FEE, LineKind.DISTANCE)]
    return sum((Decimal(line["amount"]) for line in lines), Decimal("0.00")), lines


def _receipt_number(order: WorkOrder) -> str:
    count = Payment.objects.filter(order=order).count()
    return f"RC{order.number.removeprefix('WO')}-{count + 1:02d}"


@transaction.atomic
def payment_record(*, order: WorkOrder, actor: User, method: str) -> Payment:
    """Collect what is still due: cash is paid at once, the provider answers paid or pending/failed."""
    require(actor, RECORD_PAYMENT, order)
    WorkOrder.objects.select_for_update().filter(pk=order.pk).first()  # one payment at a time per order
    if method not in PaymentMethod.values:
        raise ValidationFailed(_("未知的支付方式"), code="invalid", field="method")
    due, lines = order_amount_due(order)
    outstanding = due - selectors.order_amount_paid(order)
    if outstanding <= 0:
        raise Conflict(_("该工单没有待收款项"), code="nothing_due", field="order")
    quote = selectors.quote_current(order)
    assert quote is not None  # something is due, so there is an answered quote
    payment = Payment(
        order=order, quote=quote, receipt_number=_receipt_number(order), amount=outstanding,
        method=method, status=PaymentStatus.PENDING, lines=lines, recorded_by=actor,
    )  # fmt: skip
    if method == PaymentMethod.CASH:
        payment.status, payment.paid_at, payment.provider = PaymentStatus.PAID, timezone.now(), "cash"
    else:
        provider = get_payment_provider()
        result = provider.charge(amount=outstanding, reference=payment.receipt_number)
        payment.provider, payment.provider_reference = provider.name, result.reference[:80]
        payment.status = result.status
        payment.paid_at = timezone.now() if result.status == PaymentStatus.PAID else None
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError as exc:
        raise Conflict(_("收款已被他人记录，请刷新后重试"), code="concurrent_update") from exc
    return payment


@transaction.atomic
def refund_create(*, payment: Payment, amount: Decimal | str, reason: str, actor: User) -> Refund:
    """Give back part or all of a paid payment; the refunds of a payment never exceed what was paid."""
    require(actor, REFUND, payment.order)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)  # serialises refunds of one payment
    if payment.status != PaymentStatus.PAID:
        raise Conflict(_("只能退还已支付的款项"), code="not_paid", field="payment")
    value = _money(amount, "amount")
    if value <= 0:
        raise ValidationFailed(_("退款金额须大于零"), code="invalid", field="amount")
    if not reason.strip():
        raise ValidationFailed(_("请填写退款原因"), code="reason_required", field="reason")
    left = payment.amount - selectors.payment_refunded(payment)
    if value > left:
        raise Conflict(
            _("退款金额超过可退金额 ¥%(left)s") % {"left": left}, code="refund_above_paid", field="amount"
        )
    reference = ""
    if payment.method == PaymentMethod.PROVIDER:
        reference = get_payment_provider().refund(reference=payment.provider_reference, amount=value)
    return Refund.objects.create(
        payment=payment,
        amount=value,
        reason=reason.strip()[:300],
        actor=actor,
        provider_reference=reference[:80],
    )


# --- the customer's link ---------------------------------------------------------------------------


def quote_link_path(order: WorkOrder) -> str:
    path = reverse("pricing:customer_quote", kwargs={"number": order.number})
    return f"{path}?t={order.tracking_token}"


def quote_link_text_send(*, quote_id: int) -> None:
    """Text the customer the link to their quote, in their language (a durable job runs it)."""
    from anxin.notifications.services import email_send, sms_send

    quote = Quote.objects.select_related("order__customer").filter(pk=quote_id).first()
    if quote is None:
        return
    order = quote.order
    customer = order.customer
    total = sum((line.amount for line in quote.lines.all()), Decimal("0.00"))
    known = {code for code, _name in settings.LANGUAGES}
    with translation.override(customer.language if customer.language in known else settings.LANGUAGE_CODE):
        text = _("【安心】工单 %(number)s 的维修报价合计 ¥%(total)s，请查看明细并确认：%(link)s") % {
            "number": order.number,
            "total": f"{total:.2f}",
            "link": settings.ANXIN_PUBLIC_URL + quote_link_path(order),
        }
    phone = order.contact_phone or customer.phone
    if phone:
        sms_send(kind="quote", phone=phone, text=text, order=order)
    elif customer.email:
        email_send(kind="quote", address=customer.email, subject=order.number, text=text, order=order)
