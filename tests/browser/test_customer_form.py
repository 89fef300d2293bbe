import re

import pytest

from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog(brand, category):
    return brand, category


def test_a_customer_files_a_request_on_a_phone_and_sees_the_number_and_timeline(
    live_server, phone_page, screenshot, catalog
):
    page = phone_page
    page.goto(f"{live_server.url}/repair/")
    # Usable at 375 px: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#id_phone", "13800138000")
    page.fill("#id_name", "张伟")
    page.select_option("#id_brand", label="乐创")
    page.select_option("#id_category", label="消毒柜")
    page.fill("#id_address", "北京市朝阳区建国路88号")
    page.fill("#id_description", "消毒柜不加热，指示灯闪烁")
    screenshot(page, "customer-form-filled")
    page.click("#repair-form button[type=submit]")
    page.wait_for_selector("#order-number")

    number = page.text_content("#order-number").strip()
    assert re.fullmatch(r"WO\d{8}-\d{6}", number)
    assert WorkOrder.objects.get(number=number).channel == "web"
    assert "报修已受理" in page.text_content("#ack")
    assert page.locator("#timeline li").count() >= 1
    assert "工单已创建" in page.text_content("#timeline")
    # What the customer reported, not the internal SLA table (issue #11).
    assert "指示灯闪烁" in page.text_content("#reported-description")
    assert page.locator("#sla").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "customer-order-timeline")


def test_the_form_names_what_is_missing(live_server, phone_page, catalog):
    page = phone_page
    page.goto(f"{live_server.url}/repair/")
    page.fill("#id_name", "张伟")
    page.click("#repair-form button[type=submit]")
    page.wait_for_selector(".errors")
    assert page.locator("#id_phone ~ .errors").count() == 1
    assert WorkOrder.objects.count() == 0
