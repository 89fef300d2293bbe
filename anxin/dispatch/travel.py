"""Travel times and distances between points, behind a pluggable provider.

Pure Python (no Django). The default provider estimates road distance as the great-circle
distance times a road factor, driven at a city speed. ``OsrmTableProvider`` asks an OSRM
server's ``/table/v1/driving/`` API and falls back to the great-circle estimate on any error,
timeout or missing cell, so a plan is always possible.
"""

from __future__ import annotations

import json
import logging
import math
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class LatLon:
    lat: float
    lon: float


@dataclass(frozen=True)
class TravelMatrix:
    """Square matrices indexed like the input points: seconds and metres (ints)."""

    durations_s: list[list[int]]
    distances_m: list[list[int]]
    source: str

    def __len__(self) -> int:
        return len(self.durations_s)


class TravelProvider(Protocol):
    def matrix(self, points: Sequence[LatLon]) -> TravelMatrix: ...


def haversine_m(a: LatLon, b: LatLon) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp = p2 - p1
    dl = math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class GreatCircleProvider:
    """Road distance ≈ great-circle × ``road_factor``; time = distance / ``speed_kmh``.

    1.35 and 25 km/h are typical of Chinese county and city streets with an electric
    scooter or a small van; tune per service point.
    """

    road_factor: float = 1.35
    speed_kmh: float = 25.0

    def leg(self, a: LatLon, b: LatLon) -> tuple[int, int]:
        metres = haversine_m(a, b) * self.road_factor
        seconds = metres / (self.speed_kmh / 3.6)
        return round(seconds), round(metres)

    def matrix(self, points: Sequence[LatLon]) -> TravelMatrix:
        n = len(points)
        dur = [[0] * n for _ in range(n)]
        dist = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                s, m = self.leg(points[i], points[j])
                dur[i][j] = dur[j][i] = s
                dist[i][j] = dist[j][i] = m
        return TravelMatrix(durations_s=dur, distances_m=dist, source="great-circle")


class OsrmError(RuntimeError):
    pass


@dataclass(frozen=True)
class OsrmTableProvider:
    """OSRM ``/table/v1/driving/`` client with a great-circle fallback.

    ``base_url`` is e.g. ``http://127.0.0.1:5000``. Cells OSRM cannot route (``null``) are
    filled from the fallback; any HTTP error, timeout or malformed answer makes the whole
    matrix come from the fallback (``source`` says which happened).
    """

    base_url: str
    timeout_s: float = 2.0
    fallback: GreatCircleProvider = GreatCircleProvider()
    profile: str = "driving"

    def url_for(self, points: Sequence[LatLon]) -> str:
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        return f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{coords}?annotations=duration,distance"

    def fetch(self, points: Sequence[LatLon]) -> dict:
        req = urllib.request.Request(self.url_for(points), headers={"Accept": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:  # noqa: S310 - configured URL
            payload = json.loads(resp.read().decode("utf-8"))
        if not isinstance(payload, dict) or payload.get("code") != "Ok":
            raise OsrmError(
                f"OSRM answered {payload.get('code') if isinstance(payload, dict) else payload!r}"
            )
        n = len(points)
        for key in ("durations", "distances"):
            rows = payload.get(key)
            if not isinstance(rows, list) or len(rows) != n or any(len(r) != n for r in rows):
                raise OsrmError(f"OSRM {key} matrix has the wrong shape")
        return payload

    def matrix(self, points: Sequence[LatLon]) -> TravelMatrix:
        if len(points) < 2:
            return self.fallback.matrix(points)
        try:
            payload = self.fetch(points)
        except (OSError, urllib.error.URLError, TimeoutError, ValueError, OsrmError) as exc:
            logger.warning("OSRM table failed (%s); using great-circle estimate", exc)
            fb = self.fallback.matrix(points)
            return TravelMatrix(fb.durations_s, fb.distances_m, source="great-circle (osrm failed)")
        n = len(points)
        dur = [[0] * n for _ in range(n)]
        dist = [[0] * n for _ in range(n)]
        patched = 0
        for i in range(n):
            for j in range(n):
                d, m = payload["durations"][i][j], payload["distances"][i][j]
                if d is None or m is None:
                    d, m = self.fallback.leg(points[i], points[j])
                    patched += 1
                dur[i][j], dist[i][j] = round(d), round(m)
        source = "osrm" if not patched else f"osrm ({patched} cells great-circle)"
        return TravelMatrix(durations_s=dur, distances_m=dist, source=source)
