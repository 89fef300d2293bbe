"""Advice after the repair (性能提升建议): rules kept as data, evaluated by one plain function.

A rule is ``{"key", "category", "when", "advice", "advice_en"}``; ``when`` is one condition:

- ``{"always": true}``
- ``{"age_months_at_least": 24}``: the device's age from its purchase date (unknown age: never holds)
- ``{"item_failed": "flue"}``: that checklist item failed or its reading was out of range
- ``{"choice_in": {"item": "scale", "values": ["light", "heavy"]}}``
- ``{"reading_above": {"item": "water_pressure", "value": 0.6}}`` / ``reading_below`` (strictly)
- ``{"any": [...]}`` / ``{"all": [...]}`` of conditions

Nothing here reads the database: the caller gathers ``AdviceFacts`` (see selectors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from anxin.core.i18n import localized_name


@dataclass(frozen=True)
class ResultFact:
    """One recorded checklist answer, as the rules see it."""

    failed: bool = False
    number: Decimal | None = None
    choice: str = ""


@dataclass(frozen=True)
class AdviceFacts:
    category_code: str
    age_months: int | None
    results: Mapping[str, ResultFact] = field(default_factory=dict)


@dataclass(frozen=True)
class Advice:
    key: str
    text: str


def age_in_months(*, purchased: dt.date | None, on: dt.date) -> int | None:
    """Whole months from the purchase date to ``on`` (None when the purchase date is unknown)."""
    if purchased is None or purchased > on:
        return None
    months = (on.year - purchased.year) * 12 + on.month - purchased.month
    return months - 1 if on.day < purchased.day else months


def _reading(facts: AdviceFacts, spec: Mapping[str, Any]) -> Decimal | None:
    fact = facts.results.get(str(spec["item"]))
    return None if fact is None else fact.number


def condition_holds(condition: Mapping[str, Any], facts: AdviceFacts) -> bool:
    """Does one condition (see the module docstring) hold for these facts? Unknown keys never hold."""
    (kind, arg), *rest = condition.items()
    if rest:
        raise ValueError(f"one condition per mapping, got {sorted(condition)}")
    if kind == "always":
        return bool(arg)
    if kind == "age_months_at_least":
        return facts.age_months is not None and facts.age_months >= int(arg)
    if kind == "item_failed":
        fact = facts.results.get(str(arg))
        return fact is not None and fact.failed
    if kind == "choice_in":
        fact = facts.results.get(str(arg["item"]))
        return fact is not None and fact.choice in arg["values"]
    if kind in ("reading_above", "reading_below"):
        value = _reading(facts, arg)
        if value is None:
            return False
        limit = Decimal(str(arg["value"]))
        return value > limit if kind == "reading_above" else value < limit
    if kind == "any":
        return any(condition_holds(c, facts) for c in arg)
    if kind == "all":
        return all(condition_holds(c, facts) for c in arg)
    raise ValueError(f"unknown advice condition {kind!r}")


def advice_evaluate(rules: Iterable[Mapping[str, Any]], facts: AdviceFacts) -> list[Advice]:
    """The advice of every rule of the device's category whose condition holds, in the rules' order."""
    return [
        Advice(key=str(rule["key"]), text=localized_name(str(rule["advice"]), str(rule.get("advice_en", ""))))
        for rule in rules
        if rule["category"] == facts.category_code and condition_holds(rule["when"], facts)
    ]
