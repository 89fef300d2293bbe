import pytest

from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=True)


def _file(page, base_url, address: str, phone: str) -> str:
    page.goto(f"{base_url}/repair/")
    page.fill("#id_phone", phone)
    page.fill("#id_name", "陈静")
    page.select_option("#id_brand", label="乐创")
    page.select_option("#id_category", label="消毒柜")
    page.fill("#id_address", address)
    page.fill("#id_description", "消毒柜不工作")
    page.click("#repair-form button[type=submit]")
    page.wait_for_selector("#order-number")
    return page.text_content("#order-number").strip()


def test_a_pasted_coverage_list_decides_which_orders_are_covered(
    live_server, desktop_page, browser, screenshot, login, dispatcher, service_point, brand, category
):
    service_point.brands.add(brand)
    service_point.categories.add(category)
    page = desktop_page
    login(page, "dispatcher", "pw-dispatcher")
    page.goto(f"{live_server.url}/areas/service-points/{service_point.pk}/coverage/")
    page.fill("textarea[name=text]", "东莞市虎门镇、儋州市兰洋镇、火星基地")
    page.click("button[value=preview]")
    page.wait_for_selector("#preview tr.problem")
    assert "火星基地" in page.text_content("#preview tr.problem")
    assert page.locator("#preview tr.ok").count() == 2
    screenshot(page, "coverage-import-preview")
    page.click("button[value=confirm]")
    page.wait_for_load_state()
    assert "东莞市/虎门镇" in page.content() or "虎门镇" in page.content()

    customer = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True).new_page()
    covered = _file(customer, live_server.url, "广东省东莞市虎门镇太沙路8号", "13544445555")
    uncovered = _file(customer, live_server.url, "广东省东莞市长安镇长安路1号", "13544446666")
    assert WorkOrder.objects.get(number=covered).service_point == service_point
    assert WorkOrder.objects.get(number=uncovered).service_point is None

    page.goto(f"{live_server.url}/orders/{covered}/")
    assert page.text_content("#service-point").strip() == service_point.name
    assert page.locator("[data-attention=out_of_coverage]").count() == 0
    page.goto(f"{live_server.url}/orders/{uncovered}/")
    assert page.locator("[data-attention=out_of_coverage]").count() == 1
    assert "最近网点" in page.content() or service_point.name in page.text_content("#timeline")
    screenshot(page, "order-out-of-coverage")
