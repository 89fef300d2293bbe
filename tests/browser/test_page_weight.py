"""Issue #10 acceptance: each customer page's first load (empty cache) transfers under 300 KB and is
interactive in under 1.5 s on Chromium's "Fast 3G" profile with the CPU slowed 4x.

Static files are served the way production serves them: collected with the production STORAGES
(WhiteNoise's CompressedManifestStaticFilesStorage, hashed names and a gzip copy of each text file) and sent
by the WhiteNoise middleware, not by the test server's own static handler. Bytes are what Chromium received
on the wire (headers included; CDP `encodedDataLength`). Figures go to tests/browser/screenshots/
page-weights.json and docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.urls import reverse

from anxin import settings as production
from anxin.evidence.tests.factories import make_buyer, make_claim
from anxin.workorders.tests.factories import order_file
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

# Chrome DevTools' "Fast 3G" preset (renamed "Slow 4G" in DevTools 2024; Lighthouse's mobile default,
# puppeteer's PredefinedNetworkConditions["Fast 3G"]): 1.6 Mbit/s down and 750 kbit/s up, both x0.9,
# 150 ms RTT x3.75.
FAST_3G = {
    "offline": False,
    "latency": 150 * 3.75,  # 562.5 ms
    "downloadThroughput": 1.6e6 / 8 * 0.9,  # 180,000 B/s
    "uploadThroughput": 750e3 / 8 * 0.9,  # 84,375 B/s
}
CPU_SLOWDOWN = 4
RUNS = 3
MAX_BYTES = 300 * 1024
MAX_INTERACTIVE_MS = 1500
# The byte budget is exact; timings depend on the machine's load, so a loaded machine may relax them.
INTERACTIVE_LIMIT_MS = float(os.environ.get("ANXIN_PAGE_WEIGHT_MAX_MS", MAX_INTERACTIVE_MS))


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static-root")
    with override_settings(STATIC_ROOT=root, STORAGES=production.STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production_server(settings, collected_static):
    """A live server whose static files go through WhiteNoise, as in production (no finder, no DEBUG)."""
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = production.STORAGES
    # Its threads open their own connections: the test database is a file (anxin/settings.py).
    thread = LiveServerThread("localhost", static_handler=lambda app: app)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    yield f"http://localhost:{thread.port}"
    thread.terminate()


class Throttled:
    """One phone: Fast 3G + 4x CPU through the DevTools protocol, counting the bytes of each load."""

    def __init__(self, browser) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(
            viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.received: dict[str, int] = {}
        self.cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict) -> None:
        self.received[event["requestId"]] = int(event["encodedDataLength"])

    def sign_in(self, base: str, username: str) -> None:
        self.page.goto(f"{base}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", f"pw-{username}")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def first_load(self, url: str) -> dict[str, float]:
        """Empty cache, throttled: bytes received until the network is quiet, DOMContentLoaded and load."""
        self.cdp.send("Network.clearBrowserCache")
        self.cdp.send("Network.emulateNetworkConditions", FAST_3G)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        self.received = {}
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        timing = self.page.evaluate(
            "(t => ({dcl: t.domContentLoadedEventEnd, load: t.loadEventEnd, ttfb: t.responseStart,"
            " html: t.responseEnd}))"
            "(performance.getEntriesByType('navigation')[0])"
        )
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {**FAST_3G, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        return {"bytes": sum(self.received.values()), "requests": len(self.received), **timing}

    def close(self) -> None:
        self.context.close()


def _median_of_runs(phone: Throttled, url: str) -> dict[str, float]:
    runs = [phone.first_load(url) for _ in range(RUNS)]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _record(figures: dict[str, dict[str, float]]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "page-weights.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    known.update(figures)
    path.write_text(json.dumps(known, indent=1, sort_keys=True, ensure_ascii=False))


# Measured once per group and shared by its bytes test and its time test (each load is ~6 s of throttling).
MEASURED: dict[str, dict[str, dict[str, float]]] = {}


def _visitor_pages(base: str, browser) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    if "visitor" not in MEASURED:
        order = order_file(phone="13800000600")
        pages = {
            "home": reverse("home"),
            "repair form": reverse("portal:repair"),
            "customer login": reverse("customers:login"),
            "verify": reverse("portal:verify"),
            "tracking (map)": f"/track/{order.number}/?t={order.tracking_token}",
        }
        MEASURED["visitor"] = _measure(browser, base, pages)
    return MEASURED["visitor"]


def _customer_pages(base: str, browser, brand, product_model) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    if "customer" not in MEASURED:
        buyer = make_buyer()
        order_file(phone="13800000000")
        claim = make_claim(buyer=buyer, brand=brand, product_model=product_model)
        pages = {
            "my orders": reverse("portal:my_orders"),
            "claim form": reverse("evidence:new"),
            "claim status": reverse("evidence:status", args=[claim.number]),
        }
        MEASURED["customer"] = _measure(browser, base, pages, username="buyer")
    return MEASURED["customer"]


def _measure(browser, base: str, pages: dict[str, str], username: str = "") -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    phone = Throttled(browser)
    try:
        if username:
            phone.sign_in(base, username)
        figures = {name: _median_of_runs(phone, base + path) for name, path in pages.items()}
    finally:
        phone.close()
    _record(figures)
    return figures


def _too_heavy(figures: dict[str, dict[str, float]]) -> list[str]:
    return [f"{name}: {f['bytes'] / 1024:.1f} KB" for name, f in figures.items() if f["bytes"] >= MAX_BYTES]


def _too_slow(figures: dict[str, dict[str, float]]) -> list[str]:
    return [
        f"{name}: DOMContentLoaded {f['dcl']:.0f} ms, load {f['load']:.0f} ms"
        for name, f in figures.items()
        if f["dcl"] >= INTERACTIVE_LIMIT_MS
    ]


def test_the_visitors_pages_transfer_under_300_kb(production_server, browser, brand, category):
    figures = _visitor_pages(production_server, browser)
    assert not _too_heavy(figures), "\n".join(_too_heavy(figures))


def test_the_signed_in_customers_pages_transfer_under_300_kb(
    production_server, browser, brand, category, product_model
):
    figures = _customer_pages(production_server, browser, brand, product_model)
    assert not _too_heavy(figures), "\n".join(_too_heavy(figures))


def test_the_visitors_pages_are_interactive_within_1_5_s_on_fast_3g(
    production_server, browser, brand, category
):
    figures = _visitor_pages(production_server, browser)
    assert not _too_slow(figures), "\n".join(_too_slow(figures))


def test_the_signed_in_customers_pages_are_interactive_within_1_5_s_on_fast_3g(
    production_server, browser, brand, category, product_model
):
    figures = _customer_pages(production_server, browser, brand, product_model)
    assert not _too_slow(figures), "\n".join(_too_slow(figures))
