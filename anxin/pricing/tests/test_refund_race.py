"""Two refunds of the same payment at once, on PostgreSQL: together they never exceed what was paid."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from anxin.catalog.models import FaultCode
from anxin.core.exceptions import Conflict
from anxin.pricing import services
from anxin.pricing.choices import AnswerMethod
from anxin.pricing.models import Payment, Refund
from anxin.pricing.tests.factories import order_at_quote, price_list_make, signature_png

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has a single writer: no race to lose"
    ),
]


def test_concurrent_refunds_never_exceed_the_payment(brand, category, technician, dispatcher, admin_user):
    price_list_make(brand=brand, category=category)
    order = order_at_quote(brand=brand, category=category, technician=technician)
    quote = services.quote_start(
        order=order, fault_code=FaultCode.objects.get(code="E1"), actor=technician.user
    )
    services.quote_send(quote=quote, actor=technician.user)
    services.quote_answer(
        quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
        actor=technician.user, signature=signature_png(),
    )  # fmt: skip
    payment = services.payment_record(order=order, actor=technician.user, method="cash")  # 170.00
    start, outcomes = threading.Barrier(2), []

    def refund(actor) -> None:
        try:
            start.wait(timeout=10)
            services.refund_create(
                payment=Payment.objects.get(pk=payment.pk), amount="100", reason="race", actor=actor
            )
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=refund, args=(user,)) for user in (dispatcher, admin_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "refund_above_paid"]
    assert sum(r.amount for r in Refund.objects.all()) == Decimal("100.00")
