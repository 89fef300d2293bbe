from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from anxin.dispatch.travel import GreatCircleProvider, LatLon, OsrmTableProvider, haversine_m

POINTS = [LatLon(31.2304, 121.4737), LatLon(31.2400, 121.4900), LatLon(31.2000, 121.4500)]


STALL_S = 20.0  # how long the "slow" stub would take to answer; the client gives up after 0.3 s


class StubOsrm(BaseHTTPRequestHandler):
    mode = "ok"
    seen: list[str] = []
    release = threading.Event()  # set at teardown so a stalled handler thread ends at once

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        StubOsrm.seen.append(self.path)
        n = self.path.split("/table/v1/driving/")[1].split("?")[0].count(";") + 1
        if StubOsrm.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        if StubOsrm.mode == "slow":
            StubOsrm.release.wait(STALL_S)
        if StubOsrm.mode == "garbage":
            body = b"<html>not json</html>"
        else:
            durations: list[list[int | None]] = [
                [0 if i == j else 100 * (i + j) for j in range(n)] for i in range(n)
            ]
            distances = [[0 if i == j else 1000 * (i + j) for j in range(n)] for i in range(n)]
            if StubOsrm.mode == "nulls":
                durations[0][2] = None
            body = json.dumps({"code": "Ok", "durations": durations, "distances": distances}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@pytest.fixture
def osrm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StubOsrm.mode = "ok"
    StubOsrm.seen = []
    StubOsrm.release = threading.Event()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    StubOsrm.release.set()
    server.shutdown()
    server.server_close()


def test_great_circle_applies_road_factor_and_speed() -> None:
    provider = GreatCircleProvider(road_factor=1.5, speed_kmh=30)
    m = provider.matrix(POINTS)
    straight = haversine_m(POINTS[0], POINTS[1])
    assert m.distances_m[0][1] == round(straight * 1.5)
    assert m.durations_s[0][1] == round(straight * 1.5 / (30 / 3.6))
    assert m.distances_m[1][0] == m.distances_m[0][1]
    assert m.durations_s[2][2] == 0


def test_osrm_table_is_used_when_the_server_answers(osrm_url: str) -> None:
    m = OsrmTableProvider(base_url=osrm_url).matrix(POINTS)
    assert m.source == "osrm"
    assert m.durations_s[1][2] == 300
    assert m.distances_m[0][2] == 2000
    assert StubOsrm.seen[0].startswith("/table/v1/driving/121.473700,31.230400;")
    assert "annotations=duration,distance" in StubOsrm.seen[0]


def test_osrm_unroutable_cells_are_filled_from_great_circle(osrm_url: str) -> None:
    StubOsrm.mode = "nulls"
    m = OsrmTableProvider(base_url=osrm_url).matrix(POINTS)
    assert m.source == "osrm (1 cells great-circle)"
    assert m.durations_s[0][2] == GreatCircleProvider().leg(POINTS[0], POINTS[2])[0]
    assert m.durations_s[0][1] == 100


@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
def test_osrm_falls_back_to_great_circle_on_failure(osrm_url: str, mode: str) -> None:
    StubOsrm.mode = mode
    started = time.monotonic()
    m = OsrmTableProvider(base_url=osrm_url, timeout_s=0.3).matrix(POINTS)
    # The client's 0.3 s timeout, not the stall, decides; the bound is loose for a loaded machine.
    assert time.monotonic() - started < STALL_S / 4
    assert m.source == "great-circle (osrm failed)"
    assert m.distances_m == GreatCircleProvider().matrix(POINTS).distances_m


def test_osrm_falls_back_when_nothing_listens() -> None:
    m = OsrmTableProvider(base_url="http://127.0.0.1:9", timeout_s=0.3).matrix(POINTS)
    assert m.source == "great-circle (osrm failed)"
