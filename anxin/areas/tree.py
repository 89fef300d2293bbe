"""The packaged division tree (province → prefecture → county → township), loaded once per process.

Divisions are immutable facts shipped with the code (``data/divisions.tsv.gz``, see ``data/SOURCE.md``), so they
live in memory rather than in a table: a lookup is a dict access and no migration is needed when the list is
rebuilt. See ``docs/adr/0031-areas-division-data.md``.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).resolve().parent / "data"

PROVINCE, PREFECTURE, COUNTY, TOWNSHIP = 1, 2, 3, 4
LEVEL_NAMES = {PROVINCE: "省级", PREFECTURE: "地级", COUNTY: "县级", TOWNSHIP: "乡级"}


class Division(NamedTuple):
    """One official division. ``lat``/``lng`` are GCJ-02 centre points (seat of government), None when unknown.

    A named tuple rather than a dataclass: 45,000 of them are built at start-up and tuples build 3× faster.
    """

    code: str
    name: str
    level: int
    parent_code: str
    lat: float | None
    lng: float | None
    statistical: bool = False  # an NBS statistical unit (development zone…), not a legal county
    approximate_center: bool = False  # centre borrowed from the parent division
    # Counties, and prefecture cities whose towns sit directly under them (东莞, 中山, 儋州, 嘉峪关).
    acts_as_county: bool = False


class DivisionTree:
    """All divisions by code, their children, ancestor chains and the rename table."""

    def __init__(
        self,
        divisions: list[Division],
        renames: dict[str, str],
        old_names: list[tuple[str, str, str]],
        changed_in: dict[tuple[str, str], int] | None = None,
        moves: dict[str, dict[str, tuple[str, int]]] | None = None,
    ):
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self.children: dict[str, list[str]] = {}
        for d in divisions:
            if d.parent_code:
                self.children.setdefault(d.parent_code, []).append(d.code)
        # Ancestors (nearest first, excluding self) for every division; parents precede children in the file.
        ancestors: dict[str, tuple[str, ...]] = {}
        for d in divisions:
            parent = d.parent_code
            ancestors[d.code] = (parent, *ancestors[parent]) if parent else ()
        self.ancestors = ancestors
        self.renames = renames  # old code → current code
        self.old_names = old_names  # (old_code, old_name, current_code)
        self.changed_in = changed_in or {}  # (old_name, current_code) → year the old name went out of use
        # county → {old parent code as read today: (old parent name, year of the move)}; see data/moves.tsv
        self.moves = moves or {}

    def get(self, code: str) -> Division | None:
        division = self.by_code.get(code)
        if division is None and code in self.renames:
            division = self.by_code.get(self.renames[code])
        return division

    def chain(self, code: str) -> list[Division]:
        """The division and its ancestors, province first."""
        codes = [*reversed(self.ancestors[code]), code]
        return [self.by_code[c] for c in codes]

    def name_path(self, code: str) -> str:
        return "/".join(d.name for d in self.chain(code))

    def is_within(self, code: str, ancestor: str) -> bool:
        return code == ancestor or ancestor in self.ancestors.get(code, ())

    def county_of(self, code: str) -> str:
        """The county (or county-less prefecture city) at or above ``code``; "" above county level."""
        for c in (code, *self.ancestors.get(code, ())):
            if self.by_code[c].acts_as_county:
                return c
        return ""

    def descendants(self, code: str) -> Iterator[str]:
        stack = list(self.children.get(code, ()))
        while stack:
            c = stack.pop()
            yield c
            stack.extend(self.children.get(c, ()))

    def of_level(self, level: int) -> list[Division]:
        return [d for d in self.by_code.values() if d.level == level]


def _float(raw: str) -> float | None:
    return float(raw) if raw else None


def load_tree(data_dir: Path = DATA_DIR) -> DivisionTree:
    with gzip.open(data_dir / "divisions.tsv.gz", "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    rows = [line.split("\t") for line in lines[1:]]
    levels = {row[0]: row[1] for row in rows if row[1] != "4"}
    city_as_county = {row[2] for row in rows if row[1] == "4" and levels[row[2]] == "2"}
    make = Division._make
    divisions = [
        make((code, name, 4, parent, None, None, False, False, False))
        if level == "4"
        else make(
            (
                code,
                name,
                int(level),
                parent,
                _float(lat),
                _float(lng),
                "s" in flags,
                "c" in flags,
                level == "3" or code in city_as_county,
            )
        )
        for code, level, parent, name, lng, lat, flags in rows
    ]
    renames: dict[str, str] = {}
    old_names: list[tuple[str, str, str]] = []
    changed_in: dict[tuple[str, str], int] = {}
    with (data_dir / "renames.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            old_code, old_name, new_code, year, via = line.rstrip("\n").split("\t")
            renames.setdefault(old_code, new_code)
            old_names.append((old_code, old_name, new_code))
            # county_spans rows give the last year-end list naming it; change notices give the change's year.
            changed = int(year) + 1 if via == "county_spans" else int(year)
            changed_in[(old_name, new_code)] = max(changed_in.get((old_name, new_code), 0), changed)
    moves: dict[str, dict[str, tuple[str, int]]] = {}
    with (data_dir / "moves.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            county, parent, parent_name, year, _via = line.rstrip("\n").split("\t")
            moves.setdefault(county, {})[parent] = (parent_name, int(year))
    return DivisionTree(divisions, renames, old_names, changed_in, moves)


_lock = threading.Lock()
_tree: DivisionTree | None = None


def get_tree() -> DivisionTree:
    """The process-wide tree, loaded on first use (thread-safe)."""
    global _tree
    if _tree is None:
        with _lock:
            if _tree is None:
                _tree = load_tree()
    return _tree
