"""The customer's answer (hash over the exact lines, signature), declines, payments, refunds."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest

from anxin.catalog.models import FaultCode
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.pricing import selectors, services
from anxin.pricing.choices import AnswerMethod, LineKind, PaymentStatus, PriceState
from anxin.pricing.models import Refund
from anxin.pricing.tests.factories import order_at_quote, part_make, price_list_make, signature_png
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder


def _sent_quote(brand, category, technician, *, visit_fee_on_decline=True):
    price_list_make(brand=brand, category=category, visit_fee_on_decline=visit_fee_on_decline)
    order = order_at_quote(brand=brand, category=category, technician=technician)
    fault = FaultCode.objects.get(brand=brand, code="E1")
    quote = services.quote_start(order=order, fault_code=fault, actor=technician.user, distance_km=20)
    services.quote_line_add(
        quote=quote, actor=technician.user, kind=LineKind.PART, part=part_make(brand=brand), part_code="C-1"
    )
    quote.refresh_from_db()
    services.quote_send(quote=quote, actor=technician.user)
    return order, quote


def _approve(quote, technician):
    return services.quote_answer(
        quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
        actor=technician.user, signature=signature_png(),
    )  # fmt: skip


def test_the_approval_hash_is_over_the_exact_lines_and_stable(brand, category, technician):
    order, quote = _sent_quote(brand, category, technician)

    approval = _approve(quote, technician)

    content = json.loads(approval.content)
    assert [(li["kind"], li["amount"]) for li in content["lines"]] == [
        ("visit_fee", "50.00"), ("labour", "120.00"), ("distance", "20.00"), ("part", "85.00"),
    ]  # fmt: skip
    assert content["lines"][3]["part_code"] == "C-1" and content["total"] == "275.00"
    assert approval.content_sha256 == hashlib.sha256(approval.content.encode()).hexdigest()
    # The same quote gives the same bytes and the same hash, whenever it is computed again.
    assert services.canonical_json(services.quote_content(quote)) == approval.content
    assert approval.total == Decimal("275.00")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_REPAIR


def test_the_signature_is_stored_encrypted_and_comes_back_as_png(brand, category, technician):
    order, quote = _sent_quote(brand, category, technician)

    approval = _approve(quote, technician)

    png = services.approval_signature(approval)
    assert png.startswith(b"\x89PNG") and hashlib.sha256(png).hexdigest() == approval.signature_sha256
    raw = type(approval).objects.filter(pk=approval.pk).values_list("signature_png", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT signature_png FROM pricing_approval WHERE id = %s", [approval.pk])
        stored = cursor.fetchone()[0]
    assert stored != raw[0] and not stored.startswith("iVBOR")  # base64 PNG never reaches the table


@pytest.mark.parametrize("png", [b"", signature_png(blank=True), b"GIF89a" + b"0" * 40])
def test_approving_needs_a_drawn_png_signature(brand, category, technician, png):
    order, quote = _sent_quote(brand, category, technician)

    with pytest.raises(ValidationFailed) as refused:
        services.quote_answer(
            quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
            actor=technician.user, signature=png,
        )  # fmt: skip

    assert refused.value.field == "signature"


def test_an_oversized_signature_is_refused(brand, category, technician):
    order, quote = _sent_quote(brand, category, technician)

    with pytest.raises(ValidationFailed) as refused:
        services.quote_answer(
            quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
            actor=technician.user, signature=signature_png(size=(2400, 200)),
        )  # fmt: skip

    assert refused.value.code == "signature_too_large"


@pytest.mark.parametrize(("pays", "due"), [(True, Decimal("70.00")), (False, Decimal("0.00"))])
def test_a_declined_quote_completes_the_order_with_the_visit_fee_only_if_the_list_says_so(
    brand, category, technician, pays, due
):
    order, quote = _sent_quote(brand, category, technician, visit_fee_on_decline=pays)

    services.quote_answer(
        quote=quote, decision="declined", method=AnswerMethod.LINK, revision=quote.revision, actor=None,
        note="太贵了",
    )  # fmt: skip

    order.refresh_from_db()
    assert order.status == Status.COMPLETED
    assert "客户拒绝报价" in order.events.last().note
    assert selectors.order_price_state(order) == PriceState.DECLINED
    assert services.order_amount_due(order)[0] == due  # visit fee 50 + distance 20
    if not pays:
        with pytest.raises(Conflict) as nothing:
            services.payment_record(order=order, actor=technician.user, method="cash")
        assert nothing.value.code == "nothing_due"


def test_another_customer_cannot_answer_and_the_link_is_for_anonymous_answers(brand, category, technician):
    from anxin.accounts.models import User

    order, quote = _sent_quote(brand, category, technician)
    stranger = User.objects.create_user(username="stranger", role="customer")

    with pytest.raises(PermissionDenied):
        services.quote_answer(
            quote=quote, decision="declined", method=AnswerMethod.ACCOUNT, revision=quote.revision,
            actor=stranger,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.quote_answer(
            quote=quote,
            decision="declined",
            method=AnswerMethod.LINK,
            revision=quote.revision,
            actor=stranger,
        )


def test_payment_of_an_approved_quote_and_its_receipt(brand, category, technician):
    order, quote = _sent_quote(brand, category, technician)
    _approve(quote, technician)

    payment = services.payment_record(order=order, actor=technician.user, method="cash")

    assert (payment.amount, payment.status) == (Decimal("275.00"), PaymentStatus.PAID)
    assert payment.receipt_number == f"RC{order.number[2:]}-01"
    assert [li["amount"] for li in payment.lines] == ["50.00", "120.00", "20.00", "85.00"]
    with pytest.raises(Conflict):  # paid in full: nothing left to collect
        services.payment_record(order=order, actor=technician.user, method="cash")


def test_the_demo_provider_marks_the_payment_paid_at_once(brand, category, technician):
    order, quote = _sent_quote(brand, category, technician)
    _approve(quote, technician)

    payment = services.payment_record(order=order, actor=technician.user, method="provider")

    assert payment.status == PaymentStatus.PAID and payment.provider == "demo"
    assert payment.provider_reference.startswith("DEMO-")


def test_refunds_never_exceed_what_was_paid(brand, category, technician, dispatcher):
    order, quote = _sent_quote(brand, category, technician)
    _approve(quote, technician)
    payment = services.payment_record(order=order, actor=technician.user, method="provider")

    services.refund_create(payment=payment, amount="200", reason="配件退回", actor=dispatcher)
    with pytest.raises(Conflict) as too_much:
        services.refund_create(payment=payment, amount="75.01", reason="再退", actor=dispatcher)
    services.refund_create(payment=payment, amount="75", reason="全额退款", actor=dispatcher)

    assert (too_much.value.code, too_much.value.field) == ("refund_above_paid", "amount")
    assert [r.amount for r in Refund.objects.order_by("pk")] == [Decimal("200.00"), Decimal("75.00")]
    first = Refund.objects.order_by("pk").first()
    assert first is not None and (first.actor, first.reason) == (dispatcher, "配件退回")
    assert selectors.order_amount_paid(order) == 0


def test_the_technician_who_collected_cannot_refund(brand, category, technician):
    order, quote = _sent_quote(brand, category, technician)
    _approve(quote, technician)
    payment = services.payment_record(order=order, actor=technician.user, method="cash")

    with pytest.raises(PermissionDenied):
        services.refund_create(payment=payment, amount="10", reason="x", actor=technician.user)


def test_a_refund_needs_a_reason_and_a_positive_amount(brand, category, technician, admin_user):
    order, quote = _sent_quote(brand, category, technician)
    _approve(quote, technician)
    payment = services.payment_record(order=order, actor=technician.user, method="cash")

    with pytest.raises(ValidationFailed) as no_reason:
        services.refund_create(payment=payment, amount="10", reason="", actor=admin_user)
    with pytest.raises(ValidationFailed) as zero:
        services.refund_create(payment=payment, amount="0", reason="x", actor=admin_user)

    assert no_reason.value.field == "reason" and zero.value.field == "amount"
