"""Reads for pricing: the price list in force, an order's current quote and price state, its payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.catalog.models import Brand, FaultCode, ProductCategory
from anxin.core.exceptions import NotFound
from anxin.parts.models import Part
from anxin.pricing.choices import LineKind, PaymentStatus, PriceState, QuoteStatus
from anxin.pricing.models import Approval, Payment, PriceLine, PriceList, Quote, QuoteLine, Refund
from anxin.workorders.models import WorkOrder


def price_list_in_force(*, brand: Brand, on: dt.date | None = None) -> PriceList | None:
    """The published version with the latest effective date on or before ``on`` (today by default)."""
    day = on or timezone.localdate()
    return (
        PriceList.objects.filter(brand=brand, published=True, effective_from__lte=day)
        .order_by("-effective_from", "-version")
        .first()
    )


def brand_get_by_code(*, code: str) -> Brand:
    brand = Brand.objects.filter(code=code).first()
    if brand is None:
        raise NotFound(gettext("没有编码为「%(code)s」的品牌") % {"code": code}, field="brand")
    return brand


@dataclass(frozen=True)
class PublishedPrices:
    """A price list as the public page shows it: per category, visit fee, labour per fault, distance tiers."""

    price_list: PriceList
    categories: list[ProductCategory]
    visit_fees: list[PriceLine]
    labour: list[PriceLine]
    parts: list[tuple[Part, Decimal]]  # the price the brand charges: the list's override, else the list price
    distance: list[PriceLine]


def _categories_of(lines: list[PriceLine]) -> list[ProductCategory]:
    ids = {line.category_id for line in lines if line.kind == LineKind.VISIT_FEE}
    ids |= {line.fault_code.category_id for line in lines if line.fault_code is not None}
    return list(ProductCategory.objects.filter(pk__in=[i for i in ids if i is not None]).order_by("name"))


def _in_category(line: PriceLine, category: ProductCategory | None) -> bool:
    if category is None:
        return True
    if line.kind == LineKind.LABOUR:
        return line.fault_code is not None and line.fault_code.category_id == category.pk
    return line.category_id in (None, category.pk)


def published_prices(*, brand: Brand, category: ProductCategory | None = None) -> PublishedPrices | None:
    """What the brand charges today, optionally for one category (no login: these are public prices)."""
    price_list = price_list_in_force(brand=brand)
    if price_list is None:
        return None
    lines = list(
        price_list.lines.select_related("category", "fault_code", "part").order_by("kind", "km_from", "pk")
    )
    shown = [line for line in lines if _in_category(line, category)]
    parts = Part.objects.filter(brand=brand, active=True)
    if category is not None:
        parts = parts.filter(compatible_models__category=category).distinct()
    overrides = {line.part_id: line.amount for line in lines if line.kind == LineKind.PART and line.part_id}

    def of_kind(kind: str) -> list[PriceLine]:
        return [line for line in shown if line.kind == kind]

    return PublishedPrices(
        price_list=price_list,
        categories=_categories_of(lines),
        visit_fees=of_kind(LineKind.VISIT_FEE),
        labour=of_kind(LineKind.LABOUR),
        parts=[
            (part, overrides.get(part.pk, part.list_price)) for part in parts.order_by("part_number")[:200]
        ],
        distance=of_kind(LineKind.DISTANCE),
    )


def quote_current(order: WorkOrder) -> Quote | None:
    """The order's latest quote (in-warranty decisions are quotes too), with its lines and approvals."""
    return (
        Quote.objects.filter(order=order)
        .select_related("price_list", "fault_code")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=QuoteLine.objects.select_related("override__approved_by", "part", "fault_code"),
            ),
            Prefetch("approvals", queryset=Approval.objects.order_by("-decided_at", "-pk")),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def quote_total(quote: Quote) -> Decimal:
    return sum((line.amount for line in quote.lines.all()), Decimal("0.00"))


def approval_valid(quote: Quote) -> Approval | None:
    """The customer's answer that still counts: for the quote's current revision and not invalidated."""
    for approval in quote.approvals.all():
        if approval.invalidated_at is None and approval.revision == quote.revision:
            return approval
    return None


def order_price_state(order: WorkOrder) -> PriceState:
    """In warranty, quote approved or declined (by a valid answer), awaiting, draft, or none yet."""
    quote = quote_current(order)
    if quote is None:
        return PriceState.NONE
    if quote.status == QuoteStatus.IN_WARRANTY:
        return PriceState.IN_WARRANTY
    answer = approval_valid(quote)
    if answer is not None:
        return PriceState.APPROVED if answer.decision == "approved" else PriceState.DECLINED
    return PriceState.AWAITING if quote.status == QuoteStatus.SENT else PriceState.DRAFT


def order_payments(order: WorkOrder) -> QuerySet[Payment]:
    """Every payment of the order, newest first, with its refunds."""
    return (
        Payment.objects.filter(order=order)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.select_related("actor")))
        .order_by("-created_at", "-pk")
    )


def payment_refunded(payment: Payment) -> Decimal:
    total = Refund.objects.filter(payment=payment).aggregate(s=Sum("amount"))["s"]
    return total if total is not None else Decimal("0.00")


def order_amount_paid(order: WorkOrder) -> Decimal:
    """Paid minus refunded, over the order's paid payments."""
    paid = Payment.objects.filter(order=order, status=PaymentStatus.PAID).aggregate(s=Sum("amount"))["s"]
    refunded = Refund.objects.filter(payment__order=order).aggregate(s=Sum("amount"))["s"]
    return (paid or Decimal("0.00")) - (refunded or Decimal("0.00"))


def payment_get_by_receipt(*, order: WorkOrder, receipt_number: str) -> Payment:
    payment = (
        Payment.objects.filter(order=order, receipt_number=receipt_number).select_related("order").first()
    )
    if payment is None:
        raise NotFound(gettext("没有该收据"), field="receipt_number")
    return payment


def fault_codes_for(order: WorkOrder) -> QuerySet[FaultCode]:
    """The fault codes the technician may diagnose on this order (its brand and category)."""
    if order.brand_id is None or order.category_id is None:
        return FaultCode.objects.none()
    for_model = Q(product_model__isnull=True)
    if order.device is not None and order.device.product_model_id is not None:
        for_model |= Q(product_model_id=order.device.product_model_id)
    return FaultCode.objects.filter(
        brand_id=order.brand_id, category_id=order.category_id, active=True
    ).filter(for_model)


def parts_for(order: WorkOrder) -> QuerySet[Part]:
    if order.brand_id is None:
        return Part.objects.none()
    return Part.objects.filter(brand_id=order.brand_id, active=True).order_by("part_number")


def part_get_for(*, order: WorkOrder, part_number: str) -> Part:
    part = parts_for(order).filter(part_number=part_number).first()
    if part is None:
        raise NotFound(gettext("该品牌没有此配件编号"), field="part_number")
    return part


def quote_line_get(*, quote: Quote, line_id: int) -> QuoteLine:
    line = QuoteLine.objects.filter(pk=line_id, quote=quote).first()
    if line is None:
        raise NotFound(gettext("报价中没有该明细"), field="line_id")
    return line


def fault_code_get_for(*, order: WorkOrder, code: str) -> FaultCode:
    fault = fault_codes_for(order).filter(code=code).first()
    if fault is None:
        raise NotFound(
            gettext("该工单的品牌和品类没有故障代码「%(code)s」") % {"code": code}, field="fault_code"
        )
    return fault


def quote_get(*, order: WorkOrder) -> Quote:
    quote = quote_current(order)
    if quote is None:
        raise NotFound(gettext("该工单还没有报价"), field="quote")
    return quote


def brands_with_prices() -> list[Brand]:
    """Brands with a published price list in force today, for the public index."""
    today = timezone.localdate()
    ids = PriceList.objects.filter(published=True, effective_from__lte=today).values("brand_id")
    return list(Brand.objects.filter(pk__in=ids).order_by("name"))


def category_by_code(*, code: str) -> ProductCategory | None:
    return ProductCategory.objects.filter(code=code).first() if code else None


def brands_editable_by(*, actor: User) -> list[Brand]:
    """The brands whose price lists ``actor`` may publish: their own for brand staff, all for admins."""
    if role_of(actor) == "admin":
        return list(Brand.objects.order_by("name"))
    return list(actor.brands.order_by("name"))
