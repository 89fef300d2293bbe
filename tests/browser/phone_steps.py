"""Steps on the technician's phone page shared by the browser tests (night, day replay, offline)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page


def navigation_opens_the_map_app(job: Locator, *, address: str) -> None:
    """The card's navigation link opens AMap's search for the address (AMap is stubbed: no network)."""
    context = job.page.context
    context.route(
        re.compile(r"https://uri\.amap\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>amap</title>"),
    )
    with context.expect_page() as opened:
        job.locator("a.nav").click()
    nav = opened.value
    nav.wait_for_load_state()
    url = urlsplit(nav.url)
    assert (url.netloc, url.path) == ("uri.amap.com", "/search")
    assert parse_qs(url.query)["keyword"] == [address]
    nav.close()


def photo_opens_full_size(job: Locator, *, number: str) -> Page:
    """The card's first photo opens the order's attachment at full size; the caller closes the page."""
    with job.page.context.expect_page() as opened:
        job.locator(".photos a").first.click()
    photo = opened.value
    photo.wait_for_load_state()
    assert re.search(rf"/orders/{number}/attachments/\d+/$", photo.url)
    assert photo.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]") == [800, 600]
    return photo


def wait_until(predicate: Callable[[], bool], *, seconds: float, failing: str) -> None:
    """Poll ``predicate`` (what the server or the page has by now) until it holds; ``failing`` says what
    never happened."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(failing)
