"""Area lists as they really arrive (issue #14): cut-off starts, old parents after re-districting, townships.

The tuning set (``tuning.tsv``, our own cases) is checked line by line; the held-out set (``heldout.tsv``, built
from official lists by ``build_heldout.py`` and frozen before tuning) is checked against the issue's targets.
"""

from __future__ import annotations

import pytest

from anxin.areas.resolver import resolve
from anxin.areas.tests.cases import HELDOUT_FILE, TUNING_FILE, load_cases, load_code_cases
from anxin.areas.tree import get_tree

TUNING = load_cases(TUNING_FILE)


def _id(case) -> str:
    return f"{case.kind}:{case.text}"


@pytest.mark.parametrize("case", TUNING, ids=_id)
def test_it_reads_each_tuning_line_as_expected(case):
    result = resolve(case.text)

    assert result.status == case.status, result
    if case.status == "ok":
        assert result.code == case.code, result
        if case.rest is not None:
            assert result.rest == case.rest
    elif case.status == "ambiguous":
        assert tuple(sorted(code for code, _ in result.candidates)) == case.codes


def test_it_reads_a_cut_off_prefecture_and_says_so():
    result = resolve("州市越秀区")

    assert (result.status, result.county_code, result.truncated) == ("ok", "440104", True)
    assert result.matched == "州市越秀区"
    assert result.historical_year == 0


def test_it_returns_every_place_a_cut_off_start_may_be_instead_of_guessing():
    result = resolve("市朝阳区")

    assert result.status == "ambiguous"
    assert result.truncated is True
    assert sorted(code for code, _ in result.candidates) == ["110105", "220104"]


def test_it_does_not_mark_a_whole_name_as_cut_off():
    result = resolve("广州市越秀区")

    assert (result.truncated, result.historical_year) == (False, 0)


def test_it_resolves_a_county_under_its_old_prefecture_to_todays_code_and_dates_the_change():
    result = resolve("莱芜市钢城区")

    assert (result.status, result.code) == ("ok", "370117")
    assert result.name_path == "山东省/济南市/钢城区"
    assert result.historical_year == 2018


def test_it_resolves_a_county_level_city_under_its_former_prefecture():
    result = resolve("四平市公主岭市")

    assert (result.status, result.code, result.historical_year) == ("ok", "220184", 2020)


def test_it_prefers_a_county_of_the_old_name_over_repeating_the_prefecture():
    result = resolve("吐鲁番地区吐鲁番市")

    assert (result.status, result.code) == ("ok", "650402")


def test_it_reads_a_generic_old_district_name_only_inside_its_prefecture():
    assert resolve("南昌市郊区").code == "360111"
    assert resolve("郊区").status == "none"


def test_it_meets_the_issue_targets_on_the_frozen_held_out_set():
    tree = get_tree()
    cases = load_code_cases(HELDOUT_FILE)
    county_total = county_right = wrong = township_total = township_right = 0
    for case in cases:
        result = resolve(case.text)
        counties = {tree.county_of(c) for c in case.codes}
        answered = result.county_code if result.status == "ok" else ""
        if len(counties) == 1:
            county_total += 1
            county_right += answered == next(iter(counties))
            wrong += bool(answered) and answered not in counties
        else:
            wrong += bool(answered) and answered not in counties
        if case.status == "ok" and case.expected_township(tree):
            township_total += 1
            township_right += result.status == "ok" and result.township_code == case.code

    assert len(cases) >= 500
    assert wrong == 0
    assert county_right / county_total >= 0.995
    assert township_right / township_total >= 0.95
