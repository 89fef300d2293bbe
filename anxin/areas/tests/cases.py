"""The hand-written list of real-world forms in ``cases.tsv``, shared by the tests and ``bench/areas.py``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anxin.areas.tree import TOWNSHIP, DivisionTree, get_tree

CASES_FILE = Path(__file__).resolve().parent / "cases.tsv"


@dataclass(frozen=True)
class Case:
    text: str
    kind: str  # the class of form (full, suffix, autonomous, …, noise)
    status: str  # ok | ambiguous | none
    codes: tuple[str, ...]  # the expected division (one) or the ambiguous candidates
    rest: str | None  # expected leftover text, when the case states it

    @property
    def code(self) -> str:
        return self.codes[0] if self.status == "ok" else ""

    def expected_county(self, tree: DivisionTree) -> str:
        return tree.county_of(self.code) if self.code else ""

    def expected_township(self, tree: DivisionTree) -> str:
        return self.code if self.code and tree.by_code[self.code].level == TOWNSHIP else ""


def code_for_path(tree: DivisionTree, path: str) -> str:
    """The code of an official name path such as 四川省/达州市/通川区 (names, not the resolver, decide)."""
    candidates = [d.code for d in tree.of_level(1)]
    code = ""
    for name in path.split("/"):
        matches = [c for c in candidates if tree.by_code[c].name == name]
        if len(matches) != 1:
            raise ValueError(f"no single division {name!r} in path {path!r}")
        code = matches[0]
        candidates = tree.children.get(code, [])
    return code


def load_cases(path: Path = CASES_FILE) -> list[Case]:
    tree = get_tree()
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        text, expected, kind = fields[0], fields[1], fields[2]
        rest = fields[3] if len(fields) > 3 else None
        if expected == "none":
            cases.append(Case(text, kind, "none", (), rest))
        elif expected.startswith("ambiguous:"):
            codes = tuple(sorted(code_for_path(tree, p) for p in expected[len("ambiguous:") :].split("|")))
            cases.append(Case(text, kind, "ambiguous", codes, rest))
        else:
            cases.append(Case(text, kind, "ok", (code_for_path(tree, expected),), rest))
    return cases


HELDOUT_FILE = Path(__file__).resolve().parent / "heldout.tsv"
TUNING_FILE = Path(__file__).resolve().parent / "tuning.tsv"


def load_code_cases(path: Path) -> list[Case]:
    """Lines ``text  expected  kind  [source]`` with expected ``ok:CODE``, ``ambiguous:CODE|CODE…`` or ``none``.

    The held-out set (``heldout.tsv``, built by ``build_heldout.py`` from official lists and frozen before the
    resolver was tuned for issue #14) uses this form; the tuning set (``tuning.tsv``, our own cases) uses the
    ``cases.tsv`` form.
    """
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, expected, kind = line.split("\t")[:3]
        if expected == "none":
            cases.append(Case(text, kind, "none", (), None))
        else:
            status, codes = expected.split(":", 1)
            cases.append(Case(text, kind, status, tuple(codes.split("|")), None))
    return cases
