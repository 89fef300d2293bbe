"""{% anxin_map %}: the map's JSON carries the spec and the tile settings; offline (no tiles, no key) unless
configured, and the OpenStreetMap credit is in the page even without JavaScript."""

from __future__ import annotations

import json
import re

from django.template import Context, Template

from anxin.areas.maps import MapSpec, Marker, Outline

SPEC = MapSpec(label="测试地图", outlines=[Outline(url="/static/geo/c/110000.json", focus="110105")])


def _render(spec: MapSpec, **options: str) -> tuple[str, dict]:
    extra = "".join(f' {k}="{v}"' for k, v in options.items())
    html = Template('{% load maps %}{% anxin_map spec "m"' + extra + " %}").render(Context({"spec": spec}))
    data = re.search(r'<script id="m-data" type="application/json">(.*?)</script>', html, re.S)
    assert data is not None
    return html, json.loads(data.group(1))


def test_a_map_is_offline_by_default_and_credits_openstreetmap():
    spec = MapSpec(label="测试地图", markers=[Marker(39.9, 116.4, "technician", "T1001")])

    html, config = _render(spec)

    assert config["tile"]["url"] == "" and config["tile"]["key"] == ""
    assert config["spec"]["markers"][0] == {
        "lat": 39.9,
        "lng": 116.4,
        "kind": "technician",
        "label": "T1001",
        "label_shown": False,
    }
    assert "© OpenStreetMap contributors (ODbL)" in html and 'aria-label="测试地图"' in html
    assert "vendor/leaflet/leaflet.js" in html and "js/anxin-map.js" in html


def test_a_configured_tile_provider_is_passed_to_the_map(settings):
    settings.MAP_TILE_URL = "https://t{s}.example.test/{z}/{x}/{y}?tk={key}"
    settings.MAP_TILE_KEY = "browser-key"
    settings.MAP_TILE_DATUM = "wgs84"

    _, config = _render(SPEC)

    assert config["tile"]["url"].endswith("?tk={key}") and config["tile"]["key"] == "browser-key"
    assert config["tile"]["datum"] == "wgs84" and config["spec"]["outlines"][0]["focus"] == "110105"


def test_a_map_inside_an_htmx_fragment_leaves_its_scripts_to_the_page():
    html, _ = _render(SPEC, preserve="True")
    assert 'hx-preserve="true"' in html

    html = Template('{% load maps %}{% anxin_map spec "m" assets=False %}').render(Context({"spec": SPEC}))
    assert "leaflet.js" not in html and 'data-anxin-map="m-data"' in html
