"""Pure coverage logic, no database: parsing pasted coverage lists, deciding what a set of entries covers,
and distances. Services and selectors call these with rows they loaded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from anxin.areas.resolver import OK, Resolution, resolve
from anxin.areas.tree import TOWNSHIP, DivisionTree, get_tree

# 、 and new lines separate items on brands' pages; people also paste ， ; ；and the ASCII comma.
_SPLIT_RE = re.compile(r"[、，,;；\n\r\t]+")
# An item starting with one of these carves its division out of a larger one: "不含通川区", "-通川区".
_EXCLUDE_PREFIXES = ("不含", "不包括", "除去", "排除", "除", "-", "−", "－")
MAX_ITEMS = 2000


@dataclass(frozen=True)
class CoverageLine:
    """One pasted item and what it resolved to. Only ``importable`` lines are saved."""

    text: str
    exclude: bool
    resolution: Resolution

    @property
    def importable(self) -> bool:
        return self.resolution.status == OK and not self.resolution.rest

    @property
    def problem(self) -> str:
        """Why the line will not be saved, in the dispatcher's language; "" when it will."""
        r = self.resolution
        if r.status == "none":
            return "无法识别为行政区划"
        if r.status == "ambiguous":
            cut = _("（前缀截断）") if r.truncated else ""
            return "有歧义" + cut + "：" + "；".join(path for _code, path in r.candidates)
        if r.rest:
            return f"只识别到「{r.name_path}」，剩余「{r.rest}」无法识别"
        return ""

    @property
    def reading(self) -> str:
        """How a cut-off or historical line was read, for a person to confirm before saving; "" otherwise."""
        r = self.resolution
        if r.status != OK:
            return ""
        if r.truncated:
            return _("读作：%(name)s（前缀截断）") % {"name": short_name(r.code)}
        if r.historical_year:
            return _("历史名称：%(old)s → %(new)s（%(year)s 年调整）") % {
                "old": r.matched,
                "new": short_name(r.code),
                "year": r.historical_year,
            }
        return ""


def short_name(code: str) -> str:
    """广州市越秀区 for 广东省/广州市/越秀区; the province stays when it is the direct parent (北京市海淀区)."""
    chain = get_tree().chain(code)
    if len(chain) > 2:
        chain = chain[1:]
    return "".join(d.name for d in chain)


def coverage_text_parse(text: str) -> list[CoverageLine]:
    """Split a pasted coverage list and resolve every item, keeping order; duplicates are kept once."""
    lines: list[CoverageLine] = []
    seen: set[str] = set()
    for raw in _SPLIT_RE.split(text or ""):
        item = raw.strip().strip("。.")
        if not item or item in seen:
            continue
        seen.add(item)
        exclude = False
        for prefix in _EXCLUDE_PREFIXES:
            if item.startswith(prefix):
                exclude, item = True, item[len(prefix) :].strip()
                break
        lines.append(CoverageLine(text=item, exclude=exclude, resolution=resolve(item)))
        if len(lines) >= MAX_ITEMS:
            break
    return lines


def decide(chain: Iterable[str], entries: dict[str, bool]) -> tuple[bool, int]:
    """Whether entries ({division code: exclude}) cover a place given its chain (deepest code first).

    Returns (covered, level of the deciding entry); the most specific entry on the chain decides.
    """
    tree = get_tree()
    for code in chain:
        if code in entries:
            return (not entries[code], tree.by_code[code].level if code in tree.by_code else 0)
    return (False, 0)


def place_chain(tree: DivisionTree, county_code: str, township_code: str = "") -> list[str]:
    """Codes from the deepest given division up to its province (current codes; old codes are followed)."""
    code = township_code or county_code
    division = tree.get(code)
    if division is None:
        return []
    return [division.code, *tree.ancestors[division.code]]


def place_point(tree: DivisionTree, code: str) -> tuple[float, float] | None:
    """(lat, lng) for a division: its own centre or the nearest ancestor's (townships have none)."""
    division = tree.get(code)
    while division is not None:
        if division.lat is not None and division.lng is not None:
            return division.lat, division.lng
        division = tree.by_code.get(division.parent_code)
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine); GCJ-02's offset of a few hundred metres does not matter here."""
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def covered_counties(entries: list[tuple[str, bool]], tree: DivisionTree) -> tuple[set[str], set[str]]:
    """For one service point's entries [(code, exclude)], the counties it covers fully and those it covers in
    part (some townships in, or a covered county with townships carved out).
    """
    by_code = tree.by_code
    full: set[str] = set()
    some_in: set[str] = set()
    some_out: set[str] = set()
    for _level, code, exclude in sorted((by_code[c].level, c, ex) for c, ex in entries if c in by_code):
        division = by_code[code]
        if division.level == TOWNSHIP:
            (some_out if exclude else some_in).add(tree.county_of(code))
            continue
        if division.acts_as_county:
            counties = [code]
        else:
            counties = [c for c in tree.descendants(code) if by_code[c].acts_as_county]
        if exclude:
            full.difference_update(counties)
        else:
            full.update(counties)
    return full - some_out, (some_in - full) | (some_out & full)
