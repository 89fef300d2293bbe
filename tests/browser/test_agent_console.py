import pytest

from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_files_an_order_from_the_console_with_the_keyboard(
    live_server, desktop_page, screenshot, login, agent, brand, category
):
    earlier = order_file(phone="13911112222", serial="LC-OLD-1")
    page = desktop_page
    login(page, "agent", "pw-agent")
    page.goto(f"{live_server.url}/console/")
    # The phone field has focus on arrival; typing the caller's number shows their history.
    assert page.evaluate("document.activeElement.id") == "id_phone"
    page.keyboard.type("13911112222")
    page.wait_for_selector(f"#history >> text={earlier.number}")
    assert "LC-OLD-1" in page.text_content("#history")
    screenshot(page, "agent-console-history")

    # Tab through the form, typing as the caller talks.
    page.keyboard.press("Tab")
    page.keyboard.type("李娜")
    page.keyboard.press("Tab")
    page.keyboard.type("上海市徐汇区漕溪北路595号")
    page.select_option("#id_brand", label="乐创")
    page.select_option("#id_category", label="消毒柜")
    page.fill("#id_serial_number", "LC-NEW-2")
    page.focus("#id_description")
    page.keyboard.type("新买的消毒柜门关不上")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#order-number")

    number = page.text_content("#order-number").strip()
    order = WorkOrder.objects.get(number=number)
    assert order.channel == "hotline" and order.created_by == agent and order.county_code == "310104"
    assert order != earlier
    assert "138****" not in page.text_content("#contact_phone") and "139****2222" in page.text_content(
        "#contact_phone"
    )
    screenshot(page, "agent-console-order")

    # Reveal is one click, audited.
    page.click("#contact_phone button")
    page.wait_for_selector("#contact_phone .revealed")
    assert page.text_content("#contact_phone .revealed") == "13911112222"
