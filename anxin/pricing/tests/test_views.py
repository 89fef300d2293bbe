"""The pages: public prices, the technician's quote page, the customer's link, receipts, signatures, upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anxin.catalog.models import FaultCode
from anxin.pricing import services
from anxin.pricing.choices import AnswerMethod, QuoteStatus
from anxin.pricing.models import Approval, PriceList, Quote
from anxin.pricing.tests.factories import (
    order_at_quote,
    part_make,
    price_list_make,
    signature_data_url,
    signature_png,
)
from anxin.workorders.choices import Status


@pytest.fixture
def order(brand, category, technician):
    price_list_make(brand=brand, category=category)
    part_make(brand=brand)
    return order_at_quote(brand=brand, category=category, technician=technician)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_public_price_page_shows_the_list_without_login(order, brand, category):
    response = Client().get(f"/prices/{brand.code}/?category={category.code}")

    text = response.content.decode()
    assert response.status_code == 200
    assert "¥50.00" in text and "¥120.00" in text and "不在保修范围" in text and "¥85.00" not in text
    assert brand.name in Client().get("/prices/").content.decode()


def test_the_technician_builds_and_sends_the_quote_and_the_customer_signs_on_his_phone(order, technician):
    client = _signed_in(technician.user)
    page = f"/prices/orders/{order.number}/"

    client.post(page, {"action": "start", "fault_code": "E1", "distance_km": "20"})
    client.post(page, {"action": "add_part", "part_number": "HT-200", "part_code": "C-7", "quantity": "1"})
    client.post(page, {"action": "send"})
    quote = Quote.objects.get()
    shown = client.get(page).content.decode()
    client.post(
        page,
        {
            "action": "answer",
            "decision": "approved",
            "revision": quote.revision,
            "signature": signature_data_url(),
        },
    )

    assert "请客户核对报价并签名" in shown and "¥275.00" in shown
    approval = Approval.objects.get()
    assert approval.method == AnswerMethod.ON_SITE and approval.recorded_by == technician.user
    assert services.approval_signature(approval).startswith(b"\x89PNG")
    order.refresh_from_db()
    assert order.status == Status.IN_REPAIR
    signature = client.get(f"/prices/orders/{order.number}/signatures/{approval.pk}.png")
    assert signature.status_code == 200 and signature["Content-Type"] == "image/png"


def test_a_refused_step_is_shown_not_a_500(order, technician):
    client = _signed_in(technician.user)
    page = f"/prices/orders/{order.number}/"
    client.post(page, {"action": "start", "fault_code": "E1"})

    response = client.post(
        page,
        {"action": "add_part", "part_number": "HT-200", "part_code": "C-7", "unit_price": "999"},
        follow=True,
    )

    assert response.status_code == 200
    assert "需主管批准" in response.content.decode()


def test_the_customer_answers_from_the_link(order, technician):
    quote = services.quote_start(
        order=order, fault_code=FaultCode.objects.get(code="E1"), actor=technician.user
    )
    services.quote_send(quote=quote, actor=technician.user)
    link = services.quote_link_path(order)

    page = Client().get(link)
    Client().post(
        link,
        {"t": order.tracking_token, "revision": 1, "decision": "approved", "signature": signature_data_url()},
    )

    assert page.status_code == 200 and "同意维修" in page.content.decode()
    assert Quote.objects.get().status == QuoteStatus.APPROVED
    assert Approval.objects.get().method == AnswerMethod.LINK
    assert Client().get(f"/prices/quote/{order.number}/?t=wrong").status_code == 404


def test_the_receipt_masks_the_payer_and_lists_the_lines(order, technician):
    quote = services.quote_start(
        order=order, fault_code=FaultCode.objects.get(code="E1"), actor=technician.user
    )
    services.quote_send(quote=quote, actor=technician.user)
    services.quote_answer(
        quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
        actor=technician.user, signature=signature_png(),
    )  # fmt: skip
    payment = services.payment_record(order=order, actor=technician.user, method="cash")

    page = Client().get(
        f"/prices/orders/{order.number}/receipts/{payment.receipt_number}/?t={order.tracking_token}"
    )
    text = page.content.decode()

    assert payment.receipt_number in text and "¥170.00" in text
    assert "张伟" not in text and "张*" in text


def test_another_technician_cannot_open_the_quote_page_or_the_signature(order, technician, other_technician):
    client = _signed_in(other_technician.user)

    assert client.get(f"/prices/orders/{order.number}/").status_code == 404
    assert Client().get(f"/prices/orders/{order.number}/signatures/1.png?t=bad").status_code == 404


def test_brand_staff_upload_a_price_list(brand, category, brand_staff):
    csv = f"kind,category,amount\nvisit_fee,{category.code},66\n".encode()

    response = _signed_in(brand_staff).post(
        "/prices/import/",
        {
            "brand": brand.code,
            "effective_from": "2026-12-01",
            "file": SimpleUploadedFile("p.csv", csv, "text/csv"),
        },
    )

    assert response.status_code == 200 and "import-done" in response.content.decode()
    assert PriceList.objects.get(brand=brand).lines.get().amount == 66


def test_a_technician_cannot_open_the_upload(technician):
    assert _signed_in(technician.user).get("/prices/import/").status_code == 403
