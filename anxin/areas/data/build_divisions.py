"""Build the packaged division tree from ``/work/shared/data/divisions`` (run by hand, never at run time).

    .venv/bin/python anxin/areas/data/build_divisions.py [SOURCE_DIR]

Writes next to this file:

* ``divisions.tsv.gz``: one row per division, parents before children:
  ``code  level  parent_code  name  lng  lat  flags`` (codes are strings; lng/lat GCJ-02, empty when unknown;
  flags: ``s`` = NBS statistical unit that is not a legal county, ``c`` = centre borrowed from the parent).
* ``renames.tsv``: old codes and old names of renamed or abolished divisions and the current code they became.

The rules that turn the NBS 2023 and MCA 2026 lists into one current tree are in
``docs/adr/0031-areas-division-data.md``.
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections import defaultdict
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


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


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


def build_renames(source: Path, current: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Old (code, name) pairs of counties and prefectures → the current code, for spans ending 2000 or later."""
    result: dict[tuple[str, str], tuple[str, str, str]] = {}
    spans = read_csv(source / "history" / "county_spans_1980_2024.csv")
    for s in spans:
        code, name, target = s["county_code"], s["county_name"], s["tracking_id"]
        if int(s["last_year"]) < 2000 or name in GENERIC_OLD_NAMES:
            continue
        if code in current and current[code][3] == name:
            continue  # still current
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


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    divisions, renames = build(source)
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
    sys.stdout.write(f"{len(divisions)} divisions, {len(renames)} renames written to {HERE}\n")


if __name__ == "__main__":
    main(sys.argv)
