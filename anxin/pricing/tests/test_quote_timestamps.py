"""A quote is a timestamped row (core.TimestampedModel): its update time moves with every change, the
customer's answer included (a conditional update() that auto_now does not see)."""

from __future__ import annotations

import datetime as dt

import pytest

from anxin.catalog.models import FaultCode
from anxin.pricing import services
from anxin.pricing.choices import AnswerMethod, QuoteStatus
from anxin.pricing.models import Quote
from anxin.pricing.tests.factories import order_at_quote, price_list_make

pytestmark = pytest.mark.django_db


def test_the_customers_answer_moves_the_quotes_update_time(brand, category, technician):
    price_list_make(brand=brand, category=category)
    order = order_at_quote(brand=brand, category=category, technician=technician)
    fault = FaultCode.objects.get(brand=brand, code="E1")
    quote = services.quote_send(
        quote=services.quote_start(order=order, fault_code=fault, actor=technician.user),
        actor=technician.user,
    )
    long_ago = quote.created_at - dt.timedelta(hours=1)
    Quote.objects.filter(pk=quote.pk).update(updated_at=long_ago)

    services.quote_answer(
        quote=quote, decision="declined", method=AnswerMethod.ON_SITE, revision=quote.revision,
        actor=technician.user, note="太贵",
    )  # fmt: skip

    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DECLINED
    assert quote.updated_at > long_ago and quote.updated_at >= quote.created_at
