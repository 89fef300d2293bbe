"""Issue #12's first acceptance line in Chromium at phone width: the whole visit on the technician's phone.

He fills the checklist (a reading out of range), takes the before and after photos with the camera
(Playwright's file chooser), records the diagnosis, builds the out-of-warranty quote with the part's
code typed in, the customer signs it on the same screen, the cash payment is recorded, he installs the
part with its code and the removed part's serial, and the customer signs the completion. Then the
customer opens the report link from her tracking page: the PDF carries the Chinese text, the part's
serials and both signatures (text and images extracted with pypdf).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from anxin.parts import services as parts
from anxin.pricing.tests.factories import part_make, price_list_make
from anxin.visits.models import Inspection, SignOff
from anxin.visits.tests.factories import on_site_order
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.presenters import order_link_path
from tests.browser.test_quote_signature import _draw

pytestmark = pytest.mark.django_db(transaction=True)
PART_CODE = "LC-HT200-000123"
REMOVED = "HT-OLD-2021-0815"


def _jpeg(tmp_path, name: str, colour: tuple[int, int, int]):
    path = tmp_path / name
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _take_photo(page, role: str, path) -> None:
    """Tap the camera input of ``role``; the phone's file chooser hands over the picture; upload."""
    form = page.locator(f"#visit-photos form:has(input[name=role][value={role}])")
    with page.expect_file_chooser() as chooser:
        form.locator("input[type=file]").click()
    chooser.value.set_files(str(path))  # the page shrinks and uploads it on its own (no button with JS on)
    page.wait_for_selector(f"#visit-photos .photos[data-role={role}] img")


def _fill_checklist(page, run_pk: int, tmp_path) -> None:
    def item(code: str):
        return page.locator(f"#item-{run_pk}-{code}")

    def answered(code: str) -> None:
        page.wait_for_selector(f"#item-{run_pk}-{code}.answered")

    for code in ("power_panel", "uv_lamp", "ozone", "heater", "thermostat", "interlock", "fan"):
        item(code).get_by_text("合格", exact=True).click()
        answered(code)
    item("door_seal").get_by_text("完好贴合").click()
    answered("door_seal")
    for code, value in (("chamber_temp", "98"), ("earth_leakage", "0.2")):
        item(code).locator("input[name=value]").fill(value)
        item(code).locator("input[name=value]").press("Tab")
        answered(code)
    assert "超出范围：98 °C" in item("chamber_temp").inner_text()
    with page.expect_file_chooser() as chooser:
        item("photo_inside").locator("input[type=file]").click()
    chooser.value.set_files(str(_jpeg(tmp_path, "inside.jpg", (40, 90, 160))))
    answered("photo_inside")
    item("notes").locator("textarea").fill("加热管断路，柜内温度不足")
    item("notes").locator("textarea").press("Tab")
    answered("notes")
    page.click(f"#complete-{run_pk}")
    page.wait_for_selector("section.inspection[data-status=completed]")


def test_a_whole_visit_on_the_phone_ends_in_a_signed_report(
    live_server, phone_page, browser, login, screenshot, technician, product_model, brand, category,
    dispatcher, tmp_path,
):  # fmt: skip
    # Given an order whose technician has arrived, the brand's price list and a heating element with
    # brand codes in his van
    order = on_site_order(technician=technician)
    price_list_make(brand=brand, category=category)
    part = part_make(brand=brand, serialised=True)
    parts.stock_receive(location=parts.van_of(technician=technician), part=part, quantity=1, actor=dispatcher)
    page = phone_page
    login(page, "tech", "pw-tech")

    # He fills the checklist and takes the before-photo with the camera
    page.goto(f"{live_server.url}/visits/{order.number}/")
    page.click("#next-step")  # the hub's one primary action: the checklist
    page.click("[data-template=disinfection-cabinet-inspection]")
    page.wait_for_selector("section.inspection[data-status=in_progress]")
    _fill_checklist(page, Inspection.objects.get(order=order).pk, tmp_path)
    page.goto(f"{live_server.url}/visits/{order.number}/diagnosis/")
    _take_photo(page, "before", _jpeg(tmp_path, "before.jpg", (150, 90, 60)))

    # and records the diagnosis: water got in (user damage, not covered by the warranty)
    page.locator("#diagnosis input[name=fault_codes][value=E9]").check()
    page.fill("#cause", "柜体进水，加热管烧断")
    page.click("#diagnosis button.big")
    page.wait_for_selector("#diagnosis dl.facts")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DIAGNOSED

    # The quote from the price list, with the part's code typed in; the customer signs it on his screen
    page.goto(f"{live_server.url}/prices/orders/{order.number}/")
    page.select_option("#fault-code", "E9")
    page.click("#quote-start button[type=submit]")
    page.wait_for_selector("#quote-lines")
    page.select_option("#part-number", "HT-200")
    page.fill("#part-code", PART_CODE)
    page.click("#add-part button[type=submit]")
    page.wait_for_selector('#quote-lines [data-kind="part"]')
    assert page.text_content("#quote-total").strip() == "¥335.00"  # visit 50 + labour 200 + part 85
    page.click("#send-quote button[type=submit]")
    page.wait_for_selector("#customer-sign canvas")
    page.locator("#customer-sign canvas").scroll_into_view_if_needed()
    _draw(page, "#customer-sign canvas")
    page.click("#approve")
    page.wait_for_selector('#answers li[data-valid="1"]')
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_REPAIR

    # and pays cash
    page.click('#pay-form button[value="cash"]')
    page.wait_for_selector("#payments a")

    # He installs the part: the code typed again from its label, the removed element's serial
    page.goto(f"{live_server.url}/parts/orders/{order.number}/")
    page.click("#order-parts form:has(#reserve-part) button[type=submit]")
    page.wait_for_selector(".reservation")
    page.fill(".reservation .code-input", PART_CODE.lower())
    page.fill(".reservation input[name=removed_serial]", REMOVED)
    page.click(".reservation form:has(.code-input) button[type=submit]")
    page.wait_for_selector("#parts-ok")

    # The after-photo, then the completion page: every requirement ticked but the customer's signature
    page.goto(f"{live_server.url}/visits/{order.number}/diagnosis/")
    _take_photo(page, "after", _jpeg(tmp_path, "after.jpg", (60, 140, 90)))
    page.goto(f"{live_server.url}/visits/{order.number}/")
    page.click("#visit-complete-link")
    page.wait_for_selector("#complete-form canvas")
    missing = page.locator("[data-met='0']").evaluate_all("els => els.map(e => e.dataset.requirement)")
    assert missing == ["signoff"]
    page.locator("#complete-form canvas").scroll_into_view_if_needed()
    _draw(page, "#complete-form canvas")
    screenshot(page, "visit-complete-signature-phone")
    page.click("#complete-submit")
    page.wait_for_selector("#signoff-done")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    order.refresh_from_db()
    assert order.status == Status.COMPLETED
    assert SignOff.objects.get(order=order).signature_sha256

    # The customer opens her tracking page (no login) and the report link
    customer = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    tracking = customer.new_page()
    tracking.goto(live_server.url + order_link_path(order))  # the link of her texts
    href = tracking.get_attribute("#service-report", "href")
    assert href
    report = customer.request.get(live_server.url + href if href.startswith("/") else href)
    assert report.status == 200 and report.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(report.body()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in (
        "上门服务报告",
        "检测结果",
        "超出范围",
        "柜体进水",
        PART_CODE,
        REMOVED,
        "335.00",
        "完工确认签名",
    ):
        assert expected in text, expected
    images = [image.image for p in reader.pages for image in p.images]
    drawn = [im for im in images if im.mode in ("RGBA", "LA", "P") or im.width / im.height > 1.8]
    assert len(drawn) >= 2, [(im.size, im.mode) for im in images]  # the approval's and the sign-off's
    customer.close()
