"""What a requester is told about their request, on every channel."""

from __future__ import annotations

from anxin.intake.services import IntakeResult
from anxin.workorders.presenters import tracking_url


def intake_answer(result: IntakeResult) -> dict:
    """The receipt always; the order only when this very request created it.

    A request that joined an order someone else filed must not learn its number, status,
    technician or tracking token: anyone can type another person's phone number.
    """
    order = result.order if result.reveals_order else None
    return {
        "receipt": result.receipt_number,
        "number": order.number if order else None,
        "status": order.status if order else None,
        "created": result.created,
        "linked": result.linked,
        "replayed": result.replayed,
        "attention": list(order.attention) if order else [],
        "tracking_url": tracking_url(order) if order else None,
    }
