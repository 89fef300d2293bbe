"""Advice after the repair: every shipped rule, alone, through the one plain function."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anxin.customers.models import Device
from anxin.visits.advice import AdviceFacts, ResultFact, advice_evaluate, age_in_months, condition_holds
from anxin.visits.selectors import standards_data, visit_advice_for
from anxin.visits.tests.factories import inspection_fill, on_site_order

RULES = standards_data()["advice_rules"]


def _keys(category: str, age: int | None = None, **results: ResultFact) -> set[str]:
    return {
        a.key
        for a in advice_evaluate(RULES, AdviceFacts(category_code=category, age_months=age, results=results))
    }


R = ResultFact
ALWAYS = {"dc-use", "safe-battery-yearly", "safe-change-code", "safe-emergency-key"}


# (rule, category, age, results that make it hold, results that do not)
CASES = [
    ("gwh-descale-scale-found", "water-heater", None, {"scale": R(choice="heavy")}, {"scale": R(choice="none")}),
    ("gwh-yearly-service", "water-heater", 12, {}, None),
    ("gwh-anode", "water-heater", 30, {"anode": R(choice="ok")}, {"anode": R(choice="na")}),
    ("gwh-anode", "water-heater", 3, {"anode": R(choice="consumed", failed=True)}, {"anode": R(choice="ok")}),
    ("gwh-pressure-high", "water-heater", None, {"water_pressure": R(number=Decimal("0.72"))}, {"water_pressure": R(number=Decimal("0.6"))}),
    ("gwh-pressure-low", "water-heater", None, {"water_pressure": R(number=Decimal("0.03"))}, {"water_pressure": R(number=Decimal("0.05"))}),
    ("gwh-co", "water-heater", None, {"co_ppm": R(number=Decimal("12"))}, {"co_ppm": R(number=Decimal("9"))}),
    ("gwh-co", "water-heater", None, {"flue": R(failed=True)}, {"flue": R(failed=False)}),
    ("gwh-hose", "water-heater", None, {"gas_hose": R(choice="rubber")}, {"gas_hose": R(choice="steel")}),
    ("gwh-end-of-life", "water-heater", 96, {}, None),
    ("dc-uv-lamp", "disinfection-cabinet", 24, {}, None),
    ("dc-uv-lamp", "disinfection-cabinet", 2, {"uv_lamp": R(failed=True)}, {"uv_lamp": R(failed=False)}),
    ("dc-door-seal", "disinfection-cabinet", None, {"door_seal": R(choice="aged")}, {"door_seal": R(choice="ok")}),
    ("dc-temperature-low", "disinfection-cabinet", None, {"chamber_temp": R(number=Decimal("110"))}, {"chamber_temp": R(number=Decimal("125"))}),
    ("dc-use", "disinfection-cabinet", None, {}, None),
    ("dc-ozone-age", "disinfection-cabinet", 36, {}, None),
    ("safe-battery-yearly", "safe", None, {}, None),
    ("safe-battery-low", "safe", None, {"battery_voltage": R(number=Decimal("4.9"))}, {"battery_voltage": R(number=Decimal("5.8"))}),
    ("safe-change-code", "safe", None, {}, None),
    ("safe-anchor", "safe", None, {"anchoring": R(choice="loose", failed=True)}, {"anchoring": R(choice="bolted")}),
    ("safe-emergency-key", "safe", None, {}, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "category", "age", "holds", "fails"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_rule_holds_exactly_when_its_condition_does(rule, category, age, holds, fails):
    assert rule in _keys(category, age, **holds)
    if fails is not None:
        assert rule not in _keys(category, age, **fails)
    elif age is not None:  # an age rule: one month younger, it is not given
        assert rule not in _keys(category, age - 1, **holds)


def test_every_shipped_rule_has_a_case():
    assert {r["key"] for r in RULES} == {c[0] for c in CASES}


def test_rules_of_another_category_are_never_given():
    given = _keys("safe", 200, scale=R(choice="heavy"), uv_lamp=R(failed=True))
    assert given == {"safe-battery-yearly", "safe-change-code", "safe-emergency-key"}


def test_an_unknown_age_never_satisfies_an_age_rule():
    assert "gwh-end-of-life" not in _keys("water-heater", None)


def test_an_unknown_condition_is_an_error_not_a_silent_no():
    with pytest.raises(ValueError, match="unknown advice condition"):
        condition_holds({"moon_phase": "full"}, AdviceFacts(category_code="safe", age_months=1))


@pytest.mark.parametrize(
    ("purchased", "on", "months"),
    [
        (dt.date(2024, 1, 31), dt.date(2026, 1, 30), 23),
        (dt.date(2024, 1, 31), dt.date(2026, 1, 31), 24),
        (dt.date(2026, 5, 1), dt.date(2026, 4, 1), None),
        (None, dt.date(2026, 4, 1), None),
    ],
)
def test_age_counts_whole_months(purchased, on, months):
    assert age_in_months(purchased=purchased, on=on) == months


@pytest.mark.django_db
def test_visit_advice_reads_the_completed_checklist_and_the_devices_age(technician):
    order = on_site_order(technician=technician)
    Device.objects.filter(orders=order).update(purchase_date=dt.date(2020, 1, 1))
    order.refresh_from_db()
    assert {a.key for a in visit_advice_for(order)} == {"dc-use", "dc-uv-lamp", "dc-ozone-age"}

    inspection_fill(
        order=order, actor=technician.user, answers={"door_seal": "detached", "chamber_temp": "100"}
    )
    keys = [a.key for a in visit_advice_for(order)]
    assert keys == ["dc-uv-lamp", "dc-door-seal", "dc-temperature-low", "dc-use", "dc-ozone-age"]


@pytest.mark.django_db
def test_an_open_checklist_gives_no_advice_from_its_answers(technician):
    order = on_site_order(technician=technician)
    inspection_fill(order=order, actor=technician.user, answers={"door_seal": "detached"}, complete=False)
    assert "dc-door-seal" not in {a.key for a in visit_advice_for(order)}
