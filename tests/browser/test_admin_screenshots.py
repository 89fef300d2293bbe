"""The back office (/admin/, ADR 20) at 1280 and 375 px: screenshots for a person to look at
(tests/browser/screenshots/admin-*.png, not committed), nothing fetched from another host, no sideways scroll."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from anxin.accounts.models import User
from anxin.workorders.tests.factories import order_file
from tests.browser.conftest import SCREENSHOTS

WIDTHS = [(1280, 900), (375, 812)]


@pytest.fixture
def pages(db, brand, category) -> dict[str, str]:
    order = order_file(phone="13912345678")
    order_file(phone="13800138000", name="李娜", description="消毒柜门关不上")
    User.objects.create_superuser(username="root", password="pw-root-admin")
    return {
        "index": "/admin/",
        "workorders": "/admin/workorders/workorder/",
        "workorder": f"/admin/workorders/workorder/{order.pk}/change/",
    }


def test_admin_index_and_order_list_at_desktop_and_phone_width(live_server, browser, pages):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    host = urlparse(live_server.url).netloc
    elsewhere: list[str] = []
    too_wide: list[str] = []
    for width, height in WIDTHS:
        phone = width < 768
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone, locale="zh-CN"
        )
        page = context.new_page()
        page.on(
            "request", lambda r: elsewhere.append(r.url) if urlparse(r.url).netloc not in ("", host) else None
        )
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", "pw-root-admin")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / f"admin-{name}-{width}.png"), full_page=True)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{name} at {width} px is {scroll_width} px wide")
        context.close()
    assert [url for url in elsewhere if not url.startswith("data:")] == []
    assert too_wide == []
