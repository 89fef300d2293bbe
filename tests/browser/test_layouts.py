"""The three layouts at phone and desktop width: screenshots of the main pages (tests/browser/screenshots/,
not committed), no sideways scrolling, each audience's navigation where a thumb or eye expects it, and the
toast and sidebar behaviour."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (375, 1280)


@pytest.fixture
def pages_at(browser, live_server, login):
    """A page at each width, signed in as `username` (or not), one browser context per width."""
    contexts = []

    def open_as(username: str | None):
        pages = {}
        for width in WIDTHS:
            phone = width < 768
            context = browser.new_context(
                viewport={"width": width, "height": 812 if phone else 900},
                is_mobile=phone,
                has_touch=phone,
                locale="zh-CN",
            )
            contexts.append(context)
            page = context.new_page()
            if username:
                login(page, username, f"pw-{username}")
            pages[width] = page
        return pages

    yield open_as
    for context in contexts:
        context.close()


def _visit(page, live_server, url_name: str, shot, name: str, width: int) -> None:
    page.goto(live_server.url + reverse(url_name))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{name} scrolls sideways at {width}px"
    )
    # The icons come from the vendored sprite: it must load.
    assert page.evaluate(
        "(u => !u || fetch(u.href.baseVal).then(r => r.ok))(document.querySelector('svg.icon use'))"
    )
    shot(page, f"{name}-{width}")


def test_customer_pages_have_the_trust_header_and_a_bottom_bar_on_phones(
    live_server, pages_at, screenshot, brand, category
):
    pages = pages_at(None)
    for width, page in pages.items():
        for url_name, name in (
            ("home", "home"),
            ("portal:repair", "repair-form"),
            ("customers:login", "customer-login"),
        ):
            _visit(page, live_server, url_name, screenshot, name, width)
            hotline = page.locator(".trust-bar .hotline")
            assert hotline.is_visible() and hotline.get_attribute("href").startswith("tel:")
            assert page.locator(".trust-bar a[href='/verify/']").is_visible()
            nav = page.locator(".app-nav").bounding_box()
            if width < 768:  # a bar at the bottom of the screen, targets at least 48 px high
                assert nav["y"] + nav["height"] == pytest.approx(812, abs=1)
                assert min(box["height"] for box in _boxes(page, ".app-nav .nav-entry")) >= 48
            else:
                assert nav["y"] < 120
        assert page.locator(".app-nav .nav-entry.active").inner_text().strip() == "登录"


def test_the_staff_sign_in_page_uses_the_back_office_layout_without_navigation(
    live_server, pages_at, screenshot
):
    for width, page in pages_at(None).items():
        _visit(page, live_server, "accounts:login", screenshot, "staff-login", width)
        assert page.locator(".topbar .brand").is_visible()
        assert page.locator("#sidebar").count() == 0


def test_staff_get_a_sidebar_by_role_a_search_box_and_a_drawer_on_phones(
    live_server, pages_at, screenshot, dispatcher, service_point, brand, category
):
    order = order_file()
    pages = pages_at("dispatcher")
    for width, page in pages.items():
        _visit(page, live_server, "workorders:list", screenshot, "order-list", width)
        _visit(page, live_server, "dispatch:board", screenshot, "dispatch-board", width)
        labels = [text.strip() for text in page.locator("#sidebar .nav-entry").all_text_contents()]
        assert "调度看板" in labels and "后台" not in labels and "售后申请审核" not in labels
        assert page.locator("#nav-board").get_attribute("aria-current") == "page"
        toggle = page.locator("[data-sidebar-toggle]")
        if width < 992:
            assert not page.locator("#nav-board").is_visible()
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true"
            page.wait_for_timeout(300)  # the drawer slides in
            assert page.locator("#nav-board").is_visible()
            screenshot(page, f"staff-drawer-{width}")
        else:
            assert not toggle.is_visible() and page.locator("#nav-board").is_visible()
    # The top bar's search is a GET to the order list.
    page = pages[1280]
    page.fill("#order-search-q", order.number)
    page.press("#order-search-q", "Enter")
    page.wait_for_load_state()
    assert f"q={order.number}" in page.url


def test_the_technician_app_has_tasks_route_me_and_badge_tabs(live_server, pages_at, screenshot, technician):
    for width, page in pages_at("tech").items():
        _visit(page, live_server, "dispatch:me", screenshot, "technician", width)
        tabs = page.locator(".tab-bar .nav-entry")
        assert tabs.all_inner_texts() == ["任务", "路线", "我的", "工牌"]
        assert page.locator("#nav-me").get_attribute("aria-current") == "page"
        bar = page.locator(".tab-bar").bounding_box()
        assert bar["y"] + bar["height"] == pytest.approx(page.viewport_size["height"], abs=1)


def test_an_htmx_toast_event_shows_a_toast_that_can_be_closed(live_server, phone_page, screenshot):
    page = phone_page
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """document.body.dispatchEvent(new CustomEvent("anxin:toast", {bubbles: true,
           detail: {level: "error", message: "<b>保存失败</b>，请重试"}}))"""
    )
    toast = page.locator("#toasts .anxin-toast.toast-error")
    assert toast.inner_text().strip() == "<b>保存失败</b>，请重试"  # shown as text, never as HTML
    assert toast.get_attribute("role") == "alert"
    screenshot(page, "toast-375")
    toast.locator(".btn-close").click()
    assert page.locator("#toasts .anxin-toast").count() == 0


def _boxes(page, selector: str) -> list[dict]:
    return [element.bounding_box() for element in page.locator(selector).all()]
