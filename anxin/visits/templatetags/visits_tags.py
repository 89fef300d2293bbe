"""Template helpers of the visit: plain numbers for readings, and the results section that other pages
(the customer's order page) include with ``{% load visits_tags %}{% visit_results order %}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from anxin.accounts.permissions import can
from anxin.visits import selectors
from anxin.visits.choices import VisitKind
from anxin.visits.permissions import VIEW

register = template.Library()


@register.filter
def plain_number(value: Decimal | str | None) -> str:
    """0.750 → 0.75, 120.000 → 120 (readings are stored with three decimals); nothing for no reading."""
    if value is None or value == "":
        return ""
    return format(Decimal(value).normalize(), "f")


@register.inclusion_tag("visits/_results.html", takes_context=True)
def visit_results(context: dict[str, Any], order: Any) -> dict[str, Any]:
    """The visit's results, read-only, for whoever may read them (nothing for anyone else)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if order is None or not can(user, VIEW, order):
        return {"shown": False}
    inspection = selectors.inspection_latest(order=order, kind=VisitKind.INSPECTION)
    return {
        "shown": True,
        "order": order,
        "rows": selectors.inspection_rows(inspection=inspection) if inspection else [],
        "inspection": inspection,
        "assessment": selectors.visit_assessment_for(order),
        "diagnosis": selectors.diagnosis_of(order=order),
        "advice": selectors.visit_advice_for(order),
    }
