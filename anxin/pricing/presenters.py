"""Quotes, payments and price lists as the API and the pages show them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from anxin.core.masking import mask_name
from anxin.pricing import selectors
from anxin.pricing.models import Approval, Payment, PriceList, Quote, QuoteLine
from anxin.pricing.services import order_amount_due
from anxin.workorders.models import WorkOrder


def line_out(line: QuoteLine) -> dict[str, Any]:
    override = line.override
    return {
        "id": line.pk,
        "kind": line.kind,
        "description": line.description,
        "fault_code": line.fault_code.code if line.fault_code else None,
        "part_number": line.part.part_number if line.part else None,
        "part_code": line.part_code,
        "quantity": line.quantity,
        "list_unit_price": line.list_unit_price,
        "unit_price": line.unit_price,
        "amount": line.amount,
        "above_list_price": override is not None,
        "override_by": str(override.approved_by) if override else None,
        "override_reason": override.reason if override else None,
        "override_at": override.created_at if override else None,
    }


def approval_out(approval: Approval, quote: Quote) -> dict[str, Any]:
    return {
        "id": approval.pk,
        "revision": approval.revision,
        "decision": approval.decision,
        "method": approval.method,
        "actor": approval.actor_label,
        "decided_at": approval.decided_at,
        "total": approval.total,
        "content_sha256": approval.content_sha256,
        "signature_sha256": approval.signature_sha256,
        "valid": approval.invalidated_at is None and approval.revision == quote.revision,
        "invalidated_reason": approval.invalidated_reason,
    }


def quote_out(order: WorkOrder) -> dict[str, Any]:
    quote = selectors.quote_current(order)
    lines = list(quote.lines.all()) if quote else []
    return {
        "order": order.number,
        "state": selectors.order_price_state(order),
        "id": quote.pk if quote else None,
        "status": quote.status if quote else None,
        "revision": quote.revision if quote else None,
        "in_warranty": quote.in_warranty if quote else None,
        "warranty_basis": quote.warranty_basis if quote else "",
        "price_list_version": quote.price_list.version if quote and quote.price_list else None,
        "distance_km": quote.distance_km if quote else None,
        "lines": [line_out(line) for line in lines],
        "total": sum((line.amount for line in lines), Decimal("0.00")),
        "amount_due": order_amount_due(order)[0],
        "amount_paid": selectors.order_amount_paid(order),
        "approvals": [approval_out(a, quote) for a in quote.approvals.all()] if quote else [],
    }


def payment_out(payment: Payment) -> dict[str, Any]:
    refunds = list(payment.refunds.all())
    return {
        "receipt_number": payment.receipt_number,
        "amount": payment.amount,
        "method": payment.method,
        "provider": payment.provider,
        "status": payment.status,
        "paid_at": payment.paid_at,
        "refunded": sum((r.amount for r in refunds), Decimal("0.00")),
        "refunds": [
            {"amount": r.amount, "reason": r.reason, "actor": str(r.actor), "created_at": r.created_at}
            for r in refunds
        ],
    }


def payer_masked(order: WorkOrder) -> str:
    """The payer on a receipt: the contact's name, masked as everywhere outside an audited reveal."""
    return mask_name(order.contact_name or order.customer.name) or "—"


def price_list_out(price_list: PriceList) -> dict[str, Any]:
    lines = price_list.lines.select_related("category", "fault_code", "part").order_by(
        "kind", "km_from", "pk"
    )
    return {
        "brand": price_list.brand.code,
        "version": price_list.version,
        "effective_from": price_list.effective_from,
        "visit_fee_on_decline": price_list.visit_fee_on_decline,
        "lines": [
            {
                "kind": line.kind,
                "category": line.category.code if line.category else None,
                "fault_code": line.fault_code.code if line.fault_code else None,
                "name": line.label(),
                "part_number": line.part.part_number if line.part else None,
                "km_from": line.km_from,
                "km_to": line.km_to,
                "amount": line.amount,
                "covered_by_warranty": line.covered_by_warranty,
            }
            for line in lines
        ],
    }
