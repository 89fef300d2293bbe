"""A claim about a repair (damage on the visit, a part that failed) names one of the buyer's own orders."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import pytest
from django import forms

from anxin.core.exceptions import ValidationFailed
from anxin.evidence import presenters, services
from anxin.evidence.forms import ClaimForm
from anxin.workorders.tests.factories import order_file

from .factories import make_buyer, make_claim


@pytest.fixture
def buyer(db):
    return make_buyer()


@pytest.fixture
def repair(buyer, brand, category):
    return order_file(phone="13800000000")  # the buyer's own phone: the same customer


def _claim(buyer, brand, **extra):
    return services.claim_create(
        actor=buyer,
        buyer=buyer.customer,
        brand=brand,
        claim_type="refund_only",
        order_number="TB1",
        amount_paid=Decimal("299.00"),
        amount_claimed=Decimal("99.00"),
        **extra,
    )


def test_a_claim_about_the_buyers_repair_is_linked_and_shown_with_it(buyer, brand, repair):
    assert repair.customer_id == buyer.customer.pk
    claim = _claim(buyer, brand, repair_order=repair.number)
    assert claim.work_order == repair
    assert presenters.claim_summary(claim)["repair_order"] == repair.number


def test_a_claim_without_a_repair_order_has_none(buyer, brand):
    claim = make_claim(buyer=buyer, brand=brand)
    assert claim.work_order is None and presenters.claim_summary(claim)["repair_order"] is None


def test_another_customers_order_is_refused_like_an_unknown_number(buyer, brand, category):
    stranger = order_file(phone="13900000000")
    errors = []
    for number in (stranger.number, "WO000000000000"):
        with pytest.raises(ValidationFailed) as error:
            _claim(buyer, brand, repair_order=number)
        errors.append((error.value.field, error.value.detail))
    assert errors[0] == errors[1] and errors[0][0] == "repair_order"


def test_a_repair_of_another_brand_is_refused(buyer, other_brand, repair):
    with pytest.raises(ValidationFailed) as error:
        _claim(buyer, other_brand, repair_order=repair.number)
    assert error.value.field == "repair_order"


def test_the_form_offers_only_the_buyers_own_orders(buyer, brand, category, repair):
    order_file(phone="13900000000")  # someone else's
    field = cast(forms.ChoiceField, ClaimForm(buyer=buyer.customer).fields["repair_order"])  # declared so
    choices = dict(cast(list[tuple[str, str]], field.choices))  # the form sets a flat (number, label) list
    assert set(choices) == {"", repair.number}
    assert "repair_order" not in ClaimForm(buyer=None).fields  # nothing to pick: no field


def test_the_api_links_the_repair_order_and_names_the_field_when_refused(
    buyer, brand, repair, api_client, token_for
):
    client = api_client(token_for(buyer))
    body = {
        "claim_type": "refund_only",
        "brand": brand.code,
        "order_number": "TB1",
        "amount_paid": "299.00",
        "amount_claimed": "99.00",
    }
    made = client.post(
        "/api/v1/claims", {**body, "repair_order": repair.number}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["repair_order"] == repair.number
    refused = client.post("/api/v1/claims", {**body, "repair_order": "WO1"}, content_type="application/json")
    assert refused.status_code == 422 and "repair_order" in str(refused.json())
