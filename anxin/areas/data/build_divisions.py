"""Build the packaged division tree from ``/work/shared/data/divisions`` (run by hand, never at run time).

    .venv/bin/python anxin/areas/data/build_divisions.py [SOURCE_DIR]

Writes next to this file:

* ``divisions.tsv.gz``: one row per division, parents before children:
  ``code  level  parent_code  name  lng  lat  flags`` (codes are strings; lng/lat GCJ-02, empty when unknown;
  flags: ``s`` = NBS statistical unit that is not a legal county, ``c`` = centre borrowed from the parent).
* ``renames.tsv``: old codes and old names of renamed or abolished divisions and the current code they became.
* ``moves.tsv``: counties listed under a parent they belonged to before a change (moves between prefectures,
  abolished or renamed prefectures, county-level cities re-parented) → the code that old parent name now reads as.

The rules that turn the NBS 2023 and MCA 2026 lists into one current tree are in
``docs/adr/0031-areas-division-data.md``.
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "divisions"

MUNICIPALITIES = {"11", "12", "31", "50"}
# Prefecture-level cities without counties: NBS gives them a county-level row; we fold it into the city.
CITY_AS_COUNTY = {"441900": "441900", "442000": "442000", "460400": "460400", "620201": "620200"}
# NBS statistical codes replaced since 2023 (parents of their townships in the current tree).
COUNTY_REPLACED = {
    "460321": "460302",
    "460322": "460303",
    "460323": "460302",
    "500105": "500157",
    "500112": "500157",
}
# 2025: 渝北区's five northern towns went to 北碚区, the rest of 渝北 and 江北 became 两江新区.
YUBEI_NORTH = {"大湾镇", "统景镇", "大盛镇", "兴隆镇", "茨竹镇"}
BEIBEI = "500109"
# Successor types in the change history that carry one old division into one current one.
SUCCESSION = {
    "更名",
    "撤县设区",
    "撤县设市",
    "撤市设区",
    "同名改码",
    "撤地设市",
    "撤区设区",
    "撤旗设区",
    "撤销",
    "区划调整",
}
GENERIC_OLD_NAMES = {"郊区", "城区", "市辖区", "矿区", "县", "东区", "西区", "南区", "北区", "中区", "新区"}


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def build(source: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    provinces = read_csv(source / "nbs2023" / "provinces.csv")
    prefectures = read_csv(source / "mca2026" / "prefectures.csv")
    mca_counties = read_csv(source / "mca2026" / "counties.csv")
    nbs_counties = read_csv(source / "nbs2023" / "counties.csv")
    townships = read_csv(source / "nbs2023" / "townships.csv")
    centers = {
        r["code"]: (r["lng"], r["lat"])
        for r in read_csv(source / "centers" / "centers_gcj02.csv")
        if r["lng"]
    }

    rows: list[tuple[str, str, str, str, str]] = []  # code, level, parent, name, flags
    for p in provinces:
        rows.append((p["code"] + "0000", "1", "", p["name"], ""))
    prefecture_codes = set()
    for p in prefectures:
        rows.append((p["code"], "2", p["province_code"], p["name"], ""))
        prefecture_codes.add(p["code"])
    county_codes = set()
    for c in mca_counties:
        parent = c["prefecture_code"] or c["province_code"]
        rows.append((c["code"], "3", parent, c["name"], ""))
        county_codes.add(c["code"])
    # NBS-only statistical county units (development zones, 大兴安岭's districts, 大柴旦): their townships exist
    # only under them, so they stay, flagged "s".
    for c in nbs_counties:
        code = c["code"]
        if code in county_codes or code in CITY_AS_COUNTY or code in COUNTY_REPLACED:
            continue
        parent = c["prefecture_code"] + "00"
        if parent not in prefecture_codes:
            raise SystemExit(f"statistical unit {code} {c['name']} has no current prefecture {parent}")
        rows.append((code, "3", parent, c["name"], "s"))
        county_codes.add(code)
    for t in townships:
        county = t["county_code"]
        parent = CITY_AS_COUNTY.get(county) or COUNTY_REPLACED.get(county, county)
        if county == "500112" and t["name"] in YUBEI_NORTH:
            parent = BEIBEI
        if parent not in county_codes and parent not in prefecture_codes:
            raise SystemExit(f"township {t['code']} {t['name']} has no current parent {parent}")
        rows.append((t["code"], "4", parent, t["name"], ""))

    by_code = {r[0]: r for r in rows}
    if len(by_code) != len(rows):
        raise SystemExit("duplicate division codes")
    out: list[tuple[str, ...]] = []
    for code, level, parent, name, flags in rows:
        lng, lat = centers.get(code, ("", ""))
        if not lng and level in {"2", "3"}:
            # Borrow the nearest ancestor's centre so every county can be placed on the overview map.
            ancestor = parent
            while ancestor and ancestor not in centers:
                ancestor = by_code[ancestor][2]
            if ancestor:
                lng, lat = centers[ancestor]
                flags += "c"
        out.append((code, level, parent, name, lng, lat, flags))
    return out, build_renames(source, by_code)


def build_renames(source: Path, current: Mapping[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Old (code, name) pairs of counties and prefectures → the current code, for spans ending 2000 or later."""
    result: dict[tuple[str, str], tuple[str, str, str]] = {}
    spans = read_csv(source / "history" / "county_spans_1980_2024.csv")
    for s in spans:
        code, name, target = s["county_code"], s["county_name"], s["tracking_id"]
        # Generic names (郊区, 城区) are kept: the resolver reads them only inside their named prefecture.
        if int(s["last_year"]) < 2000 or name in {"市辖区", "县"}:
            continue
        if code in current and current[code][3] == name:
            continue  # still current
        if name in GENERIC_OLD_NAMES and target[:4] != s["prefecture_code"][:4]:
            continue  # a generic name is only trusted within its own prefecture (安阳 郊区 ≠ 鹤壁 410611)
        if target in current and current[target][1] == "3":
            result[(code, name)] = (target, s["last_year"], "county_spans")
    # Events: follow successions forward (2000+), including the curated 2021–2026 ones.
    with (source / "history" / "division_changes_1980_2026.tsv").open(encoding="utf-8") as fh:
        events = [
            r for r in csv.DictReader(fh, delimiter="\t") if r["year"].isdigit() and int(r["year"]) >= 1995
        ]
    successor: dict[tuple[str, str], tuple[str, str, str]] = {}
    for e in events:
        if (
            e["type"] not in SUCCESSION
            or not e["old_code"]
            or not e["new_code"]
            or e["level"] not in {"2", "3"}
        ):
            continue
        if "自动补全" in e["detail"] or e["old_code"][:2] != e["new_code"][:2]:
            continue  # name-tracked guesses and cross-province moves are too noisy to resolve old names by
        successor[(e["old_code"], e["old_name"])] = (e["new_code"], e["new_name"], e["year"])
    by_old_code = defaultdict(list)
    for (old_code, _old_name), nxt in successor.items():
        by_old_code[old_code].append(nxt)
    for (old_code, old_name), (new_code, new_name, year) in successor.items():
        if old_name in GENERIC_OLD_NAMES:
            continue
        seen = set()
        code, name = new_code, new_name
        while (
            (code not in current or current[code][3] != name)
            and (code, name) in successor
            and code not in seen
        ):
            seen.add(code)
            code, name, _ = successor[(code, name)]
        if code in current and (old_code not in current or current[old_code][3] != old_name):
            result.setdefault((old_code, old_name), (code, year, "division_changes"))
    return sorted((old, name, new, year, via) for (old, name), (new, year, via) in result.items())


PLACEHOLDER_PARENTS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", ""}


def build_moves(
    source: Path, divisions: list[tuple[str, ...]], renames: list[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    """(county, old parent code as read today, old parent name, year of the change, source) rows.

    From the MCA year-end lists (county spans 1995+): each span of a county under a real prefecture is compared
    with today's tree. When the prefecture it was listed under is not an ancestor today, the codes that old
    prefecture name reads as today (its own code if still current, the code the rename table gives it, a
    current division of the same full name such as 县级巢湖市) become historical parents of the county, dated
    the year after the span's last year. The resolver accepts the county inside such a parent and says so.
    """
    by_code = {d[0]: d for d in divisions}
    parent_of = {d[0]: d[2] for d in divisions}

    def ancestors(code: str) -> set[str]:
        out = set()
        while parent_of.get(code):
            code = parent_of[code]
            out.add(code)
        return out

    renamed: dict[str, set[str]] = defaultdict(set)
    for old_code, _old_name, new_code, _year, _via in renames:
        renamed[old_code].add(new_code)
    by_name: dict[str, set[str]] = defaultdict(set)
    for d in divisions:
        if d[1] in {"2", "3"}:
            by_name[d[3]].add(d[0])
    moves: dict[tuple[str, str], tuple[str, str, str]] = {}
    for s in read_csv(source / "history" / "county_spans_1980_2024.csv"):
        county, pref, pref_name = s["tracking_id"], s["prefecture_code"], s["prefecture_name"]
        if int(s["last_year"]) < 1995 or pref_name in PLACEHOLDER_PARENTS or county not in by_code:
            continue
        if by_code[county][1] != "3":
            continue
        if s["county_name"] in GENERIC_OLD_NAMES and county[:4] != pref[:4]:
            continue  # as in build_renames: a generic name tracked into another prefecture is a tracking error
        targets = set(renamed.get(pref, ())) | by_name.get(pref_name, set())
        if pref in by_code and by_code[pref][3] == pref_name:
            targets.add(pref)
        above = ancestors(county)
        year = str(int(s["last_year"]) + 1)
        for target in sorted(targets - above - {county}):
            if target in by_code and not (ancestors(target) & {county}):
                key = (county, target)
                if key not in moves or moves[key][1] < year:
                    moves[key] = (pref_name, year, "county_spans")
    # Change notices since 2010 (parent names read as today may differ further back): a county re-coded
    # under another prefecture (公主岭 220381 → 220184, 2020).
    pref_names = {d[0]: d[3] for d in divisions if d[1] == "2"}
    for s in read_csv(source / "history" / "division_changes_1980_2026.tsv", delimiter="\t"):
        if not s["year"].isdigit() or int(s["year"]) < 2010 or s["level"] != "3":
            continue
        old_parent, new_parent, county = s["old_parent"], s["new_parent"], s["new_code"]
        if not old_parent or not new_parent or old_parent == new_parent or "自动补全" in s["detail"]:
            continue
        if county not in by_code:
            county = next(iter(renamed.get(county, ())), "")
        if county not in by_code or by_code[county][1] != "3":
            continue
        targets = set(renamed.get(old_parent, ()))
        if old_parent in pref_names:
            targets.add(old_parent)
        for target in sorted(targets - ancestors(county) - {county}):
            key = (county, target)
            name = pref_names.get(target, "") if target == old_parent else moves.get(key, ("",))[0]
            if key not in moves and name:
                moves[key] = (name, s["year"], s["doc_no"] or "division_changes")
    return sorted((c, t, name, year, via) for (c, t), (name, year, via) in moves.items())


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    divisions, renames = build(source)
    moves = build_moves(source, divisions, renames)
    text = "code\tlevel\tparent_code\tname\tlng\tlat\tflags\n" + "".join(
        "\t".join(r) + "\n" for r in divisions
    )
    # mtime=0 keeps the bytes reproducible, so a rebuild from the same source shows no diff.
    with gzip.GzipFile(HERE / "divisions.tsv.gz", "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    with (HERE / "renames.tsv").open("w", encoding="utf-8") as fh:
        fh.write("old_code\told_name\tnew_code\tlast_year\tvia\n")
        for row in renames:
            fh.write("\t".join(row) + "\n")
    with (HERE / "moves.tsv").open("w", encoding="utf-8") as fh:
        fh.write("county_code\told_parent_code\told_parent_name\tyear\tvia\n")
        for row in moves:
            fh.write("\t".join(row) + "\n")
    sys.stdout.write(
        f"{len(divisions)} divisions, {len(renames)} renames, {len(moves)} moves written to {HERE}\n"
    )


if __name__ == "__main__":
    main(sys.argv)
