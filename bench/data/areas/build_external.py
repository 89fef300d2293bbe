"""Build the external held-out index (issue #14) from address strings written by other people.

    .venv/bin/python bench/data/areas/build_external.py [--mirror /work/.mirror] > bench/data/areas/external_heldout.tsv

The strings come from public repositories (see SOURCE.md), read from git snapshots of them at a fixed commit.
They are not copied into this repository (snapshot content stays out of our commits): the index names each
string by repository, path, commit and line, with a SHA-1 of its text, and ``bench/areas.py --set external``
reads the texts back from the snapshots and checks the hashes.

Labels come from exact official names in the division tree (``anxin.areas.tree``), never from the resolver:

* the string is read from its start as a chain of official names: a province (full name, or the name without
  省/市/自治区…), then a prefecture (full name, or without 市), then a county (full name, current or a former
  name from the change lists in ``renames.tsv``), then a township (full name, child of that county);
  at each place the longest name that fits inside the names already read wins;
* ``ok:CODE``: one county (and the township when one follows); ``ambiguous:C1|C2…``: the county name fits
  several counties and nothing before it decides (only for names of 3+ characters);
* ``unlabelled:REASON``: no county can be read that way (a street, a building, a prefecture alone, a short
  name only, an NBS statistical unit…); these lines are kept for the record and left out of accuracy;
* where the source states its own expected answer (the cpca and jionlp test files), that answer is looked up
  by its names too; if it disagrees with the name reading the line is ``unlabelled:disagree``, if the name
  reading finds no county the source's answer is used (label_via = source).
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from anxin.areas.tree import COUNTY, PREFECTURE, PROVINCE, TOWNSHIP, DivisionTree, get_tree  # noqa: E402

CPCA = ("DQinYuan/chinese_province_city_area_mapper", "9bdfd6e8694b44ca3de0730bd9122c6df5916133", "MIT")
JIONLP = ("dongrixinyu/JioNLP", "783abc5237e05f25aea2a11dcc2ae2e0e9f4cd23", "Apache-2.0")
SAMPLE_EVERY = 8  # every 8th distinct line of cpca's tests/addr.csv (16,943 distinct lines)
PHONE = re.compile(r"\d{7,}")
PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def git_show(mirror: Path, repo: str, commit: str, path: str) -> str:
    git_dir = mirror / repo.replace("/", "+") / "repo"
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


class NameReader:
    """Reads a string from its start as province → prefecture → county → township official names."""

    def __init__(self, tree: DivisionTree):
        self.tree = tree
        self.names: dict[int, dict[str, set[str]]] = {PROVINCE: {}, PREFECTURE: {}, COUNTY: {}}
        self.short: set[tuple[str, str]] = set()  # (name, code) pairs that are a shortened name
        for d in tree.by_code.values():
            if d.level == PROVINCE:
                self._add(PROVINCE, d.name, d.code)
                for suffix in PROVINCE_SUFFIXES:
                    if d.name.endswith(suffix) and len(d.name) - len(suffix) >= 2:
                        self._add(PROVINCE, d.name[: -len(suffix)], d.code, short=True)
                        break
            elif d.level == PREFECTURE:
                self._add(PREFECTURE, d.name, d.code)
                if d.name.endswith("市") and len(d.name) >= 3:
                    self._add(PREFECTURE, d.name[:-1], d.code, short=True)
            elif d.level == COUNTY:
                self._add(COUNTY, d.name, d.code)
        for _old_code, old_name, new_code in tree.old_names:
            new = tree.by_code.get(new_code)
            if new is not None and new.level == COUNTY:
                self._add(COUNTY, old_name, new_code)

    def _add(self, level: int, name: str, code: str, short: bool = False) -> None:
        self.names[level].setdefault(name, set()).add(code)
        if short:
            self.short.add((name, code))

    def _longest(self, text: str, pos: int, levels: list[int], scope: set[str]) -> tuple[int, str, set[str]]:
        best: tuple[int, str, set[str]] = (0, "", set())
        for level in levels:
            for length in range(min(12, len(text) - pos), 1, -1):
                name = text[pos : pos + length]
                codes = self.names[level].get(name)
                if not codes:
                    continue
                if scope:
                    codes = {c for c in codes if any(self.tree.is_within(c, s) for s in scope)}
                if codes:
                    if length > best[0]:
                        best = (length, name, codes)
                    break
        return best

    def read(self, text: str) -> tuple[str, str]:
        """(expected, via): ``ok:CODE`` / ``ambiguous:C|C`` / ``unlabelled:REASON``; via says "old-name" when
        the county was read by a former name from the change lists."""
        tree = self.tree
        pos, scope, level, read_any = 0, set[str](), 0, False
        county, via = "", "names"
        while level < COUNTY:
            levels = [lv for lv in (PROVINCE, PREFECTURE, COUNTY) if lv > level]
            length, name, codes = self._longest(text, pos, levels, scope)
            if not length:
                break
            found_level = tree.by_code[next(iter(codes))].level
            if found_level == COUNTY:
                if len(codes) > 1:
                    if read_any or len(name) < 3:
                        return "unlabelled:ambiguous-short" if not read_any else "unlabelled:ambiguous", ""
                    return "ambiguous:" + "|".join(sorted(codes)), ""
                if not read_any and len(name) < 3:
                    return "unlabelled:short-county-name", ""
                county = next(iter(codes))
                via = "names" if tree.by_code[county].name == name else "old-name"
                pos += length
                break
            if len(codes) > 1:
                return "unlabelled:ambiguous-parent", ""
            code = next(iter(codes))
            read_any = True
            scope, level, pos = {code}, found_level, pos + length
            if found_level == PREFECTURE and tree.by_code[code].acts_as_county:
                county = code
                if (name, code) in self.short:  # 中山大学, 东莞路: a short city name alone is no answer
                    county = "short:" + code
                break
        if not county:
            return "unlabelled:no-county", ""
        short_city = county.startswith("short:")
        county = county.removeprefix("short:")
        if tree.by_code[county].statistical:
            return "unlabelled:statistical-unit", ""
        township = ""
        for length in range(min(12, len(text) - pos), 1, -1):
            name = text[pos : pos + length]
            hits = [
                c
                for c in tree.children.get(county, [])
                if tree.by_code[c].level == TOWNSHIP and tree.by_code[c].name == name
            ]
            if len(hits) == 1:
                township = hits[0]
                break
        if short_city and not township:
            return "unlabelled:short-city-name", ""
        return f"ok:{township or county}", via


def code_for_names(tree: DivisionTree, names: list[str | None]) -> str:
    """Code of the deepest of the given official names (None skipped), each looked up under the previous."""
    code = ""
    for name in names:
        if not name:
            continue
        pool = tree.children.get(code, []) if code else [d.code for d in tree.of_level(PROVINCE)]
        hits = [c for c in pool if tree.by_code[c].name == name]
        if not hits and code:  # jionlp skips the prefecture for some (台湾省屏东县)
            hits = [
                c
                for c in tree.descendants(code)
                if tree.by_code[c].name == name and tree.by_code[c].level <= COUNTY
            ]
        if len(hits) != 1:
            return ""
        code = hits[0]
    return code


def cpca_addr_rows(mirror: Path) -> list[tuple[str, int, str]]:
    raw = git_show(mirror, CPCA[0], CPCA[1], "tests/addr.csv")
    seen: set[str] = set()
    rows = []
    for lineno, record in enumerate(csv.reader(io.StringIO(raw)), start=1):
        if lineno == 1 or not record or not record[0].strip():
            continue
        text = record[0].strip()
        if text in seen:
            continue
        seen.add(text)
        if (len(seen) - 1) % SAMPLE_EVERY == 0:
            rows.append((text, lineno, ""))
    return rows


def _line_of(source: str, text: str) -> int:
    for lineno, line in enumerate(source.splitlines(), start=1):
        if repr(text)[1:-1] in line or text in line:
            return lineno
    return 0


def cpca_test_rows(mirror: Path, tree: DivisionTree) -> list[tuple[str, int, str]]:
    source = git_show(mirror, CPCA[0], CPCA[1], "tests/test_cpca.py")
    # test_transform: addr_list[i] is expected to get adcode assert_addr line i (cpca's own answers)
    module = ast.parse(source)
    texts: list[str] = []
    expected: list[str] = []
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "addr_list":
            assert isinstance(node.value, ast.List)  # addr_list = [...]
            texts = [
                e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
        if isinstance(node, ast.FunctionDef) and node.name == "assert_addr":
            for call in node.body:
                assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)  # a list of calls
                args = call.value.args
                code = args[7].value if isinstance(args[7], ast.Constant) else ""
                assert isinstance(code, str)
                expected.append(code)
    rows = []
    for text, adcode in zip(texts, expected, strict=False):
        county = ""
        division = tree.get(adcode) if adcode else None
        if division is not None and division.acts_as_county:
            county = division.code
        rows.append((text, _line_of(source, text), county))
    return rows


def jionlp_test_rows(mirror: Path, tree: DivisionTree) -> list[tuple[str, int, str]]:
    source = git_show(mirror, JIONLP[0], JIONLP[1], "test/test_location_parser.py")
    module = ast.parse(source)
    rows = []
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "location_string_list":
            for item in ast.literal_eval(node.value):
                text, _town_village, _change2new, want = item
                code = code_for_names(tree, [want.get("province"), want.get("city"), want.get("county")])
                if code and tree.by_code[code].level == PREFECTURE and not tree.by_code[code].acts_as_county:
                    code = ""
                county = tree.county_of(code) if code else ""
                if want.get("city") and want.get("city") == want.get("province") and not want.get("county"):
                    county = ""
                rows.append((text, _line_of(source, text), county))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    tree = get_tree()
    reader = NameReader(tree)
    out = sys.stdout
    out.write(
        "# External held-out set for issue #14: strings written by others (SOURCE.md), labelled by exact official\n"
        "# names (build_external.py), never by the resolver. Frozen before any tool was run on it; do not tune on it.\n"
        "# Columns: repo, commit, path, line, sha1 (first 12 hex of the UTF-8 text), expected, kind, label_via.\n"
    )
    sources = [
        ("cpca-addr-csv", CPCA, "tests/addr.csv", cpca_addr_rows(args.mirror)),
        ("cpca-tests", CPCA, "tests/test_cpca.py", cpca_test_rows(args.mirror, tree)),
        ("jionlp-tests", JIONLP, "test/test_location_parser.py", jionlp_test_rows(args.mirror, tree)),
    ]
    for kind, (repo, commit, _licence), path, rows in sources:
        for text, lineno, source_county in rows:
            if PHONE.search(text):
                expected, via = "unlabelled:personal-data-skipped", "-"
            else:
                expected, via = reader.read(text)
                via = via or "names"
                if source_county:
                    if expected.startswith("unlabelled"):
                        expected, via = f"ok:{source_county}", "source"
                    elif expected.startswith("ok:") and tree.county_of(expected[3:]) != source_county:
                        expected, via = "unlabelled:disagree", "-"
                    elif expected.startswith("ambiguous:"):
                        expected, via = f"ok:{source_county}", "source"
                    else:
                        via += "+source"
            out.write(
                "\t".join((repo, commit, path, str(lineno), text_hash(text), expected, kind, via)) + "\n"
            )


if __name__ == "__main__":
    main()
