"""Warranty, the quote from price-list lines, overrides above the list price, and its revisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anxin.catalog.models import FaultCode
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.pricing import selectors, services
from anxin.pricing.choices import AnswerMethod, LineKind, PriceState, QuoteStatus
from anxin.pricing.models import PriceOverride
from anxin.pricing.tests.factories import order_at_quote, part_make, price_list_make, signature_png
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder


@pytest.fixture
def prices(brand, category):
    return price_list_make(brand=brand, category=category)


@pytest.fixture
def order(brand, category, technician, prices):
    return order_at_quote(brand=brand, category=category, technician=technician)


def _e(brand, code="E1"):
    return FaultCode.objects.get(brand=brand, code=code)


def test_out_of_warranty_the_quote_starts_with_the_visit_fee_and_the_faults_labour(order, brand, technician):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user, distance_km=20)

    assert quote.status == QuoteStatus.DRAFT and not quote.in_warranty
    lines = [(line.kind, line.unit_price) for line in quote.lines.order_by("pk")]
    assert lines == [
        (LineKind.VISIT_FEE, Decimal("50.00")),
        (LineKind.LABOUR, Decimal("120.00")),
        (LineKind.DISTANCE, Decimal("20.00")),
    ]
    assert selectors.order_price_state(order) == PriceState.DRAFT


def test_in_warranty_the_customer_pays_nothing_and_the_repair_starts(brand, category, technician, prices):
    order = order_at_quote(
        brand=brand, category=category, technician=technician,
        warranty_end=timezone.localdate() + dt.timedelta(days=100),
    )  # fmt: skip

    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)

    assert quote.status == QuoteStatus.IN_WARRANTY and not quote.lines.exists()
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_REPAIR
    assert selectors.order_price_state(order) == PriceState.IN_WARRANTY
    assert services.order_amount_due(order)[0] == 0


def test_a_fault_not_covered_by_warranty_is_quoted_even_in_warranty(brand, category, technician, prices):
    order = order_at_quote(
        brand=brand, category=category, technician=technician,
        warranty_end=timezone.localdate() + dt.timedelta(days=100),
    )  # fmt: skip

    quote = services.quote_start(order=order, fault_code=_e(brand, "E9"), actor=technician.user)

    assert quote.status == QuoteStatus.DRAFT
    assert "not covered" in quote.warranty_basis


def test_warranty_from_the_purchase_date_and_the_models_months(order, brand, product_model, technician):
    device = order.device
    device.warranty_end, device.product_model = None, product_model  # 24 months
    device.purchase_date = timezone.localdate() - dt.timedelta(days=400)
    device.save()

    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)

    assert quote.status == QuoteStatus.IN_WARRANTY


def test_a_line_above_the_list_price_without_override_is_refused(order, brand, technician):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)
    part = part_make(brand=brand, serialised=False)

    with pytest.raises(Conflict) as refused:
        services.quote_line_add(
            quote=quote, actor=technician.user, kind=LineKind.PART, part=part, unit_price="99.00",
            override_reason="紧急调货",
        )  # fmt: skip

    assert (refused.value.code, refused.value.field) == ("price_above_list", "unit_price")
    assert not quote.lines.filter(kind=LineKind.PART).exists()


def test_a_supervisors_override_is_audited_and_shown_to_the_customer(order, brand, technician, dispatcher):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)
    part = part_make(brand=brand, serialised=False)
    line = services.quote_line_add(quote=quote, actor=technician.user, kind=LineKind.PART, part=part)

    services.quote_line_override(line=line, unit_price="110", reason="偏远地区调货运费", actor=dispatcher)

    override = PriceOverride.objects.get()
    assert (override.approved_by, override.reason) == (dispatcher, "偏远地区调货运费")
    assert (override.list_unit_price, override.unit_price) == (Decimal("85.00"), Decimal("110.00"))
    assert override.created_at is not None
    shown = [li for li in services.quote_content(quote)["lines"] if li["kind"] == LineKind.PART]
    assert shown[0]["above_list_price"] is True and shown[0]["list_unit_price"] == "85.00"


def test_the_technician_cannot_override_and_an_override_needs_a_reason(order, brand, technician, brand_staff):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)
    line = quote.lines.get(kind=LineKind.LABOUR)

    with pytest.raises(PermissionDenied):
        services.quote_line_override(line=line, unit_price="150", reason="x", actor=technician.user)
    with pytest.raises(ValidationFailed) as no_reason:
        services.quote_line_override(line=line, unit_price="150", reason=" ", actor=brand_staff)
    assert no_reason.value.field == "reason"


def test_a_serialised_part_needs_its_code(order, brand, technician):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)
    part = part_make(brand=brand, serialised=True)

    with pytest.raises(ValidationFailed) as missing:
        services.quote_line_add(quote=quote, actor=technician.user, kind=LineKind.PART, part=part)
    line = services.quote_line_add(
        quote=quote, actor=technician.user, kind=LineKind.PART, part=part, part_code="LC-HT200-000123"
    )

    assert (missing.value.code, missing.value.field) == ("part_code_required", "part_code")
    assert line.part_code == "LC-HT200-000123"


def test_sending_the_quote_asks_the_customer(order, brand, technician):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)

    services.quote_send(quote=quote, actor=technician.user)

    assert WorkOrder.objects.get(pk=order.pk).status == Status.AWAITING_APPROVAL
    assert selectors.order_price_state(order) == PriceState.AWAITING


def test_a_changed_quote_invalidates_the_approval(order, brand, technician):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)
    services.quote_send(quote=quote, actor=technician.user)
    approval = services.quote_answer(
        quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
        actor=technician.user, signature=signature_png(),
    )  # fmt: skip
    assert selectors.order_price_state(order) == PriceState.APPROVED

    part = part_make(brand=brand, serialised=False)
    services.quote_line_add(quote=quote, actor=technician.user, kind=LineKind.PART, part=part)

    approval.refresh_from_db()
    assert approval.invalidated_at is not None and "added" in approval.invalidated_reason
    assert selectors.order_price_state(order) == PriceState.DRAFT
    assert services.order_amount_due(order)[0] == 0  # nothing is owed on an unapproved quote
    quote.refresh_from_db()
    services.quote_send(quote=quote, actor=technician.user)
    again = services.quote_answer(
        quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
        actor=technician.user, signature=signature_png(),
    )  # fmt: skip
    assert again.revision == approval.revision + 1
    assert services.order_amount_due(order)[0] == Decimal("255.00")


def test_an_answer_to_an_old_revision_is_refused(order, brand, technician):
    quote = services.quote_start(order=order, fault_code=_e(brand), actor=technician.user)
    shown = quote.revision
    services.quote_send(quote=quote, actor=technician.user)
    services.quote_distance_set(quote=quote, km=40, actor=technician.user)
    services.quote_send(quote=quote, actor=technician.user)

    with pytest.raises(Conflict) as changed:
        services.quote_answer(
            quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=shown,
            actor=technician.user, signature=signature_png(),
        )  # fmt: skip

    assert (changed.value.code, changed.value.field) == ("quote_changed", "revision")
