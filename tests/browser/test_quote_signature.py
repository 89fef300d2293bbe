"""On the technician's phone: an out-of-warranty quote from the price list, the customer signs on the
same screen, the approval is stored with the signature PNG; then the payment and its receipt."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from anxin.pricing import services
from anxin.pricing.models import Approval, Payment
from anxin.pricing.tests.factories import order_at_quote, part_make, price_list_make
from anxin.workorders.choices import Status
from tests.browser.test_accessibility import axe_findings

pytestmark = pytest.mark.django_db(transaction=True)


def _draw(page, selector: str) -> None:
    """A signature: a few strokes of the mouse across the canvas."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for fx, fy in [(0.25, 0.2), (0.4, 0.8), (0.55, 0.3), (0.7, 0.7), (0.9, 0.4)]:
        page.mouse.move(x + w * fx, y + h * fy, steps=8)
    page.mouse.up()


def test_the_customer_signs_the_quote_on_the_technicians_phone(
    live_server, phone_page, screenshot, login, brand, category, technician
):
    # Given a diagnosed order whose device's warranty ran out, and the brand's price list
    price_list_make(brand=brand, category=category)
    part_make(brand=brand, serialised=True)
    order = order_at_quote(brand=brand, category=category, technician=technician)
    page = phone_page
    login(page, "tech", "pw-tech")

    # When the technician decides warranty for fault E1 at 20 km, adds the heating element with its code
    page.goto(f"{live_server.url}/prices/orders/{order.number}/")
    page.select_option("#fault-code", "E1")
    page.fill("#distance-km", "20")
    page.click("#quote-start button[type=submit]")
    page.wait_for_selector("#quote-lines")
    page.select_option("#part-number", "HT-200")
    page.fill("#part-code", "LC-HT200-000123")
    page.click("#add-part button[type=submit]")
    page.wait_for_selector('#quote-lines [data-kind="part"]')
    assert page.text_content("#quote-total").strip() == "¥275.00"

    # and sends it: the customer checks the lines and signs on the same screen
    page.click("#send-quote button[type=submit]")
    page.wait_for_selector("#customer-sign canvas")
    findings = axe_findings(page)  # the page the customer reads and signs
    page.locator("#customer-sign canvas").scroll_into_view_if_needed()
    _draw(page, "#customer-sign canvas")
    screenshot(page, "quote-signature-phone")
    page.click("#approve")

    # Then the approval holds the exact lines, their hash and a PNG with the drawn strokes
    page.wait_for_selector('#answers li[data-valid="1"]')
    approval = Approval.objects.get()
    png = services.approval_signature(approval)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.getchannel("A").getbbox() is not None
    assert approval.method == "on_site" and approval.total == 275
    assert approval.content_sha256 == services.content_sha256(approval.content)
    order.refresh_from_db()
    assert order.status == Status.IN_REPAIR
    assert page.is_visible("#answers img.signature")

    # and the technician records the cash payment; the receipt shows the lines, the payer masked
    page.click('#pay-form button[value="cash"]')
    page.wait_for_selector("#payments a")
    page.click("#payments a")
    page.wait_for_selector("#receipt")
    assert page.text_content("#paid").strip() == "¥275.00"
    assert "张伟" not in page.text_content("#payer")
    assert Payment.objects.get().receipt_number == page.text_content("#receipt-number").strip()
    screenshot(page, "quote-receipt-phone")
    findings += axe_findings(page)
    for url in (f"/prices/{brand.code}/", f"/prices/quote/{order.number}/?t={order.tracking_token}"):
        page.goto(live_server.url + url)
        findings += axe_findings(page)
    assert not findings, "\n".join(findings)
