"""The resolver on the hand-written list of real-world forms (cases.tsv), one test per line."""

from __future__ import annotations

import threading

import pytest

from anxin.areas.resolver import resolve
from anxin.areas.tests.cases import load_cases
from anxin.areas.tree import get_tree

CASES = load_cases()


def _id(case) -> str:
    return f"{case.kind}:{case.text}"


@pytest.mark.parametrize("case", [c for c in CASES if c.status == "ok"], ids=_id)
def test_it_resolves_each_place_form_to_the_expected_division(case):
    result = resolve(case.text)

    tree = get_tree()
    assert (result.status, result.code) == ("ok", case.code), result
    assert result.county_code == case.expected_county(tree)
    assert result.township_code == case.expected_township(tree)
    assert result.name_path == tree.name_path(case.code)
    if case.rest is not None:
        assert result.rest == case.rest
    elif case.kind != "address":
        assert result.rest == ""


@pytest.mark.parametrize("case", [c for c in CASES if c.status == "ambiguous"], ids=_id)
def test_it_reports_unsettled_names_as_ambiguous_with_all_candidates(case):
    result = resolve(case.text)

    assert result.status == "ambiguous"
    assert tuple(sorted(code for code, _ in result.candidates)) == case.codes
    assert result.county_code == ""
    assert all("/" in path for _, path in result.candidates)
    if case.rest is not None:
        assert result.rest == case.rest


@pytest.mark.parametrize("case", [c for c in CASES if c.status == "none"], ids=_id)
def test_it_returns_no_match_for_text_that_is_not_a_place(case):
    result = resolve(case.text)

    assert result.status == "none", result
    assert (result.province_code, result.county_code, result.candidates) == ("", "", [])


def test_the_case_list_covers_every_class_of_form():
    kinds = {c.kind for c in CASES}

    assert {"full", "suffix", "autonomous", "region", "direct", "citytown", "municipal", "parent"} <= kinds
    assert {"ambiguous", "noise", "address", "township", "renamed"} <= kinds
    assert len(CASES) >= 200


def test_it_keeps_the_street_and_house_number_of_a_full_address():
    result = resolve("北京市朝阳区建国路88号")

    assert (result.status, result.county_code, result.rest) == ("ok", "110105", "建国路88号")
    assert result.province_code == "110000"
    assert result.name_path == "北京市/朝阳区"


def test_it_places_towns_of_cities_without_counties_under_the_city():
    result = resolve("东莞市虎门镇")

    assert result.prefecture_code == result.county_code == "441900"
    assert result.township_code.startswith("441900")


def test_it_returns_none_for_empty_text():
    assert resolve("").status == "none"
    assert resolve("   ").status == "none"


def test_it_gives_the_same_answers_from_many_threads():
    texts = [c.text for c in CASES]
    expected = [resolve(t) for t in texts]
    errors: list[str] = []

    def work() -> None:
        for text, want in zip(texts, expected, strict=True):
            if resolve(text) != want:
                errors.append(text)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
