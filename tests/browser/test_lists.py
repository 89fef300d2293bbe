"""The staff order list at phone and desktop width: key figures, filters that fold away on phones, a
table that scrolls inside itself, live filtering through htmx; screenshots in tests/browser/screenshots/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_order_list_fits_the_screen_and_filters_in_place(
    browser, live_server, login, screenshot, admin_user, dispatcher, brand, category, width
):
    orders = [order_file(phone=f"1380013800{i}") for i in range(3)]
    workorder_transition(order=orders[0], event=Event.ACCEPT, actor=dispatcher)
    phone = width < 768
    context = browser.new_context(
        viewport={"width": width, "height": 812 if phone else 900},
        is_mobile=phone,
        has_touch=phone,
        locale="zh-CN",
    )
    page = context.new_page()
    login(page, "admin1", "pw-admin1")
    page.goto(live_server.url + reverse("workorders:list"))
    page.wait_for_load_state("networkidle")

    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    table = page.locator(".table-responsive")
    assert (
        table.evaluate("el => el.scrollWidth > el.clientWidth") == phone
    )  # wide table scrolls inside itself
    assert page.locator(".key-figure").count() == 4
    filters = page.locator("details.list-filters")
    assert filters.evaluate("el => el.open") is (not phone)  # folded away on phones, open on desktop
    screenshot(page, f"order-list-filters-{width}")

    if phone:
        page.locator("details.list-filters > summary").click()
        screenshot(page, f"order-list-filters-open-{width}")
    page.locator("[data-figure=waiting]").click()  # the card opens the list it counted
    page.wait_for_load_state("networkidle")
    assert page.locator("#rows tbody tr").count() == 1
    if phone:
        page.locator("details.list-filters > summary").click()
    page.select_option("#id_status", "")  # htmx swaps the results, the address keeps the filters
    page.wait_for_function("document.querySelectorAll('#rows tbody tr').length === 3")
    assert "status=" in page.url
    page.locator("#id_q").press_sequentially("NO-SUCH-ORDER")  # keyup: htmx searches as one types
    page.wait_for_selector("#results .empty-state")
    screenshot(page, f"order-list-empty-{width}")
    context.close()
