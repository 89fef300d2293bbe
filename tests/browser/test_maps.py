"""Maps in the browser: each page downloads only the outline file it draws, shows the OpenStreetMap credit,
draws its markers and routes; the board's map survives htmx refreshes. Also records each map page's first-load
weight (what a gzip-serving server would transfer) for docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.utils import timezone

from anxin.dispatch import services
from anxin.dispatch.tests.factories import cover, order_new, skilled
from anxin.network.tests.factories import make_point
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

CREDIT = "© OpenStreetMap contributors (ODbL)"
UNCOMPRESSED = ("image/png", "image/jpeg", "image/webp", "font/woff2")


class Recorder:
    """Every response of a page load: URL and the bytes it would take gzipped (-6, as nginx and WhiteNoise)."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.responses: list[tuple[str, int, int]] = []
        page.on("requestfinished", self._record)

    def stop(self) -> Recorder:
        """Wait until the page is quiet, then stop listening (the next page load gets its own recorder)."""
        if self.page is not None:
            self.page.wait_for_load_state("networkidle")
            self.page.remove_listener("requestfinished", self._record)
            self.page = None
        return self

    def _record(self, request) -> None:  # type: ignore[no-untyped-def]
        response = request.response()
        if response is None:
            return
        body = response.body()
        kind = response.headers.get("content-type", "")
        sent = len(body) if kind.startswith(UNCOMPRESSED) else len(gzip.compress(body, 6))
        self.responses.append((request.url, len(body), sent))

    def geo_files(self) -> list[str]:
        return sorted(url.split("/static/", 1)[1] for url, _, _ in self.responses if "/static/geo/" in url)

    def total(self) -> tuple[int, int]:
        return sum(r[1] for r in self.responses), sum(r[2] for r in self.responses)


def _weigh(name: str, recorder: Recorder) -> None:
    raw, sent = recorder.stop().total()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "map-page-weights.json"
    weights = json.loads(path.read_text()) if path.exists() else {}
    weights[name] = {"requests": len(recorder.responses), "bytes": raw, "gzip_bytes": sent}
    path.write_text(json.dumps(weights, indent=1, sort_keys=True))


def _map_ready(page, dom_id: str, outlines: int | None = None) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"#{dom_id}[data-outlines-drawn]")
    attribution = page.text_content(f"#{dom_id} .leaflet-control-attribution")
    assert CREDIT in attribution, attribution
    if outlines is not None:
        assert page.get_attribute(f"#{dom_id}", "data-outlines-drawn") == str(outlines)


def _both_widths(browser, screenshot, name: str, url: str, login=None, dom_id: str = "coverage-map"):  # type: ignore[no-untyped-def]
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        if login:
            login(page)
        page.goto(url)
        _map_ready(page, dom_id)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"{name}-{width}")
        context.close()


def test_the_coverage_map_loads_one_file_per_level_and_drills_down(
    live_server, browser, screenshot, login, dispatcher, brand
):
    make_point("达州网点", covers=["511700"], excludes=["511702"], brands=[brand])
    make_point("罗江镇网点", covers=["511702102"], brands=[brand])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, "dispatcher", "pw-dispatcher")

    recorder = Recorder(page)
    page.goto(f"{live_server.url}/areas/coverage/?brand={brand.pk}")
    _map_ready(page, "coverage-map", outlines=31)
    assert recorder.stop().geo_files() == ["geo/china.json"]
    assert page.locator("#coverage-map path.anxin-area--share-1").count() == 1  # 四川
    _weigh("coverage map, country (staff)", recorder)

    # A province: its prefectures only, then a prefecture: its counties only
    recorder = Recorder(page)
    page.goto(f"{live_server.url}/areas/coverage/?area=510000&brand={brand.pk}")
    _map_ready(page, "coverage-map")
    assert recorder.stop().geo_files() == ["geo/p/510000.json"]
    recorder = Recorder(page)
    page.locator("#coverage-map path.anxin-area--share-4").click()  # 达州, the only fully covered prefecture
    page.wait_for_url("**area=511700**")
    _map_ready(page, "coverage-map", outlines=7)
    assert recorder.stop().geo_files() == ["geo/c/511700.json"]
    assert page.locator("#coverage-map path.anxin-area--covered").count() == 6
    assert page.locator("#coverage-map path.anxin-area--partial").count() == 1
    assert "达州市" in page.text_content("#map-crumbs")
    _weigh("coverage map, prefecture (staff)", recorder)
    context.close()

    def staff(p):  # type: ignore[no-untyped-def]
        login(p, "dispatcher", "pw-dispatcher")

    _both_widths(browser, screenshot, "map-coverage-country", f"{live_server.url}/areas/coverage/", staff)
    _both_widths(
        browser, screenshot, "map-coverage-dazhou", f"{live_server.url}/areas/coverage/?area=511700", staff
    )


def test_the_tracking_page_loads_only_its_countys_prefecture_and_shows_the_technician_on_the_way(
    live_server, browser, screenshot, technician
):
    order = order_new("13800000600")  # 北京市朝阳区建国路88号
    url = f"{live_server.url}/track/{order.number}/?t={order.tracking_token}"
    page = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN"
    ).new_page()

    recorder = Recorder(page)
    page.goto(url)
    _map_ready(page, "order-map")
    assert recorder.stop().geo_files() == ["geo/c/110000.json"]  # never the country or the province
    assert page.locator("#order-map path.anxin-area--focus").count() == 1
    assert page.locator("#order-map .anxin-marker").count() == 0
    _weigh("tracking page, no technician yet (customer)", recorder)

    now = timezone.now()
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.EN_ROUTE, technician=technician)
    WorkOrderEvent.objects.create(
        order=order,
        event="depart",
        from_status="technician_accepted",
        to_status=Status.EN_ROUTE,
        created_at=now,
    )
    technician.last_latitude, technician.last_longitude = 39.95, 116.40
    technician.last_located_at = now + dt.timedelta(seconds=1)
    technician.save()
    recorder = Recorder(page)
    page.goto(url)
    _map_ready(page, "order-map")
    assert page.get_attribute("#order-map", "data-markers-drawn") == "2"
    assert page.locator("#order-map path.anxin-marker--technician").count() == 1
    assert page.locator("#order-map path.anxin-marker--destination").count() == 1
    assert page.locator("#order-map path.anxin-route--approach").count() == 1
    _weigh("tracking page, technician on the way (customer)", recorder)
    _both_widths(browser, screenshot, "map-tracking", url, dom_id="order-map")


def test_the_board_map_draws_technicians_and_routes_and_keeps_the_view_across_refreshes(
    live_server,
    browser,
    screenshot,
    login,
    dispatcher,
    service_point,
    brand,
    category,
    technician,
    other_technician,
):
    cover(service_point, brand, category)
    for tech, (lat, lng) in ((technician, (39.921, 116.444)), (other_technician, (40.05, 116.25))):
        skilled(tech, brand, category, lat=lat, lng=lng)
        tech.work_days, tech.shift_start, tech.shift_end, tech.break_minutes = "1234567", "00:00", "23:59", 0
        tech.save()
    services.offer_for_new_order(order_id=order_new("13800000601").pk)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(page, "dispatcher", "pw-dispatcher")

    recorder = Recorder(page)
    page.goto(f"{live_server.url}/dispatch/board/?sp={service_point.pk}")
    _map_ready(page, "dispatch-map")
    assert recorder.stop().geo_files() == ["geo/c/110000.json"]
    assert page.locator("#dispatch-map path.anxin-marker--technician").count() == 2
    assert page.locator("#dispatch-map path.anxin-marker--service_point").count() == 1
    assert (
        page.locator(
            "#dispatch-map path.anxin-marker--job, #dispatch-map path.anxin-marker--unassigned"
        ).count()
        == 1
    )
    assert page.locator("#dispatch-map path.anxin-area--covered").count() == 1  # 朝阳区
    _weigh("dispatcher board (staff)", recorder)

    # An htmx refresh swaps the board but keeps the same map (and the dispatcher's zoom)
    page.evaluate("document.getElementById('dispatch-map').dataset.kept = 'yes'")
    page.evaluate("document.getElementById('dispatch-map').anxinMap.map.setZoom(9)")
    page.evaluate(
        f"htmx.ajax('GET', '/dispatch/board/?sp={service_point.pk}', {{target: '#board', swap: 'outerHTML'}})"
    )
    page.wait_for_function(
        "document.querySelector('#plan-facts') && !document.querySelector('.htmx-request')"
    )
    page.wait_for_timeout(300)
    assert page.get_attribute("#dispatch-map", "data-kept") == "yes"
    assert page.evaluate("document.getElementById('dispatch-map').anxinMap.map.getZoom()") == 9
    assert page.locator("#dispatch-map path.anxin-marker--technician").count() == 2
    _both_widths(
        browser,
        screenshot,
        "map-board",
        f"{live_server.url}/dispatch/board/?sp={service_point.pk}",
        lambda p: login(p, "dispatcher", "pw-dispatcher"),
        dom_id="dispatch-map",
    )
