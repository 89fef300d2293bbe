"""The packaged division data: shape, renames, and load time."""

from __future__ import annotations

import time
from pathlib import Path

from anxin.areas.selectors import division_children, division_get
from anxin.areas.tree import COUNTY, PREFECTURE, PROVINCE, TOWNSHIP, load_tree

DATA = Path(__file__).resolve().parents[1] / "data"


def test_it_ships_every_level_of_the_official_tree():
    tree = load_tree()

    assert len(tree.of_level(PROVINCE)) == 31
    assert len(tree.of_level(PREFECTURE)) == 333
    legal_counties = [d for d in tree.of_level(COUNTY) if not d.statistical]
    assert len(legal_counties) == 2847  # MCA 2026; 东莞/中山/儋州/嘉峪关 are prefectures acting as counties
    assert len(tree.of_level(TOWNSHIP)) > 41000


def test_every_division_hangs_under_an_existing_parent_one_level_up_or_more():
    tree = load_tree()

    for d in tree.by_code.values():
        if d.level == PROVINCE:
            assert d.parent_code == ""
        else:
            assert tree.by_code[d.parent_code].level < d.level


def test_it_records_source_licence_and_date_beside_the_data():
    source = (DATA / "SOURCE.md").read_text(encoding="utf-8")

    assert "WTFPL" in source and "MIT" in source
    assert "2023-06-30" in source and "2026" in source


def test_division_get_returns_code_name_level_parent_and_centre():
    d = division_get("110105")
    assert d is not None

    assert (d.code, d.name, d.level, d.parent_code) == ("110105", "朝阳区", COUNTY, "110000")
    assert d.lat is not None and d.lng is not None
    assert 39 < d.lat < 41 and 116 < d.lng < 117


def _current_code(code: str) -> str:
    division = division_get(code)
    assert division is not None
    return division.code


def test_division_get_follows_old_codes_to_the_current_division():
    assert _current_code("350427") == "350405"  # 沙县 → 沙县区 (2021)
    assert _current_code("350625") == "350605"  # 长泰县 → 长泰区 (2021)
    assert _current_code("610521") == "610503"  # 华县 → 华州区 (2015)
    assert _current_code("500105") == "500157"  # 江北区 → 两江新区 (2025)


def test_division_get_returns_none_for_unknown_codes():
    assert division_get("999999") is None
    assert division_get("") is None


def test_towns_of_abolished_and_recoded_counties_move_to_the_current_county():
    names = {d.name: d.parent_code for d in division_children("500109")}

    assert names["统景镇"] == "500109"  # 渝北's five northern towns went to 北碚区 in 2025
    assert {d.name for d in division_children("500157")} >= {"观音桥街道", "两路街道"}
    assert division_children("460302")  # 三沙 西沙区 takes NBS's 西沙群岛 rows


def test_cities_without_counties_hold_their_towns_directly():
    tree = load_tree()

    for code in ("441900", "442000", "460400", "620200"):
        division = tree.by_code[code]
        assert division.level == PREFECTURE and division.acts_as_county
        assert all(tree.by_code[c].level == TOWNSHIP for c in tree.children[code])


def test_the_division_data_loads_in_under_half_a_second():
    # CPU time of this process, fastest of five: other processes on a shared CI machine do not
    # count against it (bench/areas.py reports the wall-clock median on a quiet machine).
    # Measured 0.12–0.15 s CPU (0.41–0.53 s wall) at 1-min load 8.8 on the 2-core dev machine: the
    # CPU budget keeps a 3× margin under load, where a wall-clock one would not.
    timings = []
    for _ in range(5):
        start = time.process_time()
        load_tree()
        timings.append(time.process_time() - start)

    assert min(timings) < 0.5
