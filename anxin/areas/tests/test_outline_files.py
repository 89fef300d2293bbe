"""The outline files in static/geo (scripts/build_boundaries.py): split per level, every place a map may
highlight is in the file the code picks for it, and no file is so big that a page pays for the whole country."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import pytest

from anxin.areas.maps import children_file, county_file
from anxin.areas.tree import PREFECTURE, PROVINCE, get_tree

STATIC = Path(__file__).resolve().parents[3] / "static"
LARGEST_GZIP = 64 * 1024  # the country file is the largest; a county page needs far less


@cache
def _codes(path: str) -> frozenset[str]:
    features = json.loads((STATIC / path).read_text(encoding="utf-8"))["features"]
    return frozenset(
        c for f in features for c in (f["properties"]["code"], *f["properties"].get("includes", ()))
    )


def test_there_is_one_country_file_one_file_per_province_and_one_per_prefecture():
    tree = get_tree()
    assert len(_codes("geo/china.json")) == 31
    for province in tree.of_level(PROVINCE):
        assert (STATIC / children_file(province.code)).exists(), province.name
    for prefecture in tree.of_level(PREFECTURE):
        assert (STATIC / children_file(prefecture.code)).exists(), prefecture.name


def test_every_county_with_an_outline_is_in_the_file_its_map_downloads():
    tree = get_tree()
    counties = [d for d in tree.by_code.values() if d.acts_as_county and not d.statistical]
    drawn = [d for d in counties if d.code in _codes(county_file(d.code))]
    # 17 units are missing from the 2017 source (new since, or never in it): see static/geo/README.md
    assert len(counties) - len(drawn) == 17
    assert len(drawn) / len(counties) > 0.99


@pytest.mark.parametrize("code", ["440000", "510000", "110000"])
def test_a_province_file_covers_the_province_without_holes(code):
    """Its prefectures plus the county-level units directly under it (municipal districts, 济源…)."""
    tree = get_tree()
    expected = {c for c in tree.children[code] if not tree.by_code[c].statistical}
    missing = expected - _codes(children_file(code))
    assert len(missing) <= 2, missing  # e.g. 南沙区 (Spratly Islands) is not in the source


def test_no_outline_file_is_heavy():
    for path in (STATIC / "geo").rglob("*.json"):
        assert len(gzip.compress(path.read_bytes(), 6)) < LARGEST_GZIP, path.name
