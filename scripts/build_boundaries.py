"""Copy the map outlines the product needs from ../shared/data/boundaries into static/geo/, simplified and split.

    python scripts/build_boundaries.py [--source DIR] [--out DIR]

Needs shapely >= 2.1 (``coverage_simplify``; a dev dependency). Reads the GCJ-02 set only: every point the
project draws (division centres, geocoded addresses, technicians' positions) is GCJ-02.

Output (described in static/geo/README.md; update its size table after a rebuild):
- ``china.json``: the 31 provinces, for the country view.
- ``p/<province>.json``: one province's second level: its prefectures, plus the county-level units that sit
  directly under it (municipalities' districts, 济源, 仙桃…), so the province is drawn without holes.
- ``c/<parent>.json``: the county-level units whose parent is ``<parent>`` (a prefecture, or a province for
  the units just named). A county page downloads only the file of its own parent.

Each layer is simplified as a whole coverage (``shapely.coverage_simplify``), so neighbours keep identical
shared edges, then coordinates are rounded. Reruns give byte-identical output.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import shapely

ROOT = Path(__file__).resolve().parent.parent
# ../shared next to the checkout (a worktree sits one level deeper, so look further up too)
DEFAULT_SOURCE = next(
    (
        p / "shared" / "data" / "boundaries"
        for p in ROOT.parents
        if (p / "shared" / "data" / "boundaries").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "boundaries",
)
DEFAULT_OUT = ROOT / "static" / "geo"

# (tolerance in degrees for coverage_simplify, decimals kept). Chosen for the zoom each file is drawn at:
# the whole country on a 1280 px screen is ~0.05°/px, a province ~0.01°/px, a prefecture ~0.002°/px.
COUNTRY = (0.03, 2)
PROVINCE = (0.01, 3)
PREFECTURE = (0.002, 3)


def _load(source: Path, layer: str) -> list[dict[str, Any]]:
    with (source / f"{layer}.gcj02.geojson").open(encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _round(coords: Any, decimals: int) -> Any:
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], decimals), round(coords[1], decimals)]
    return [_round(c, decimals) for c in coords]


def _simplified(features: list[dict[str, Any]], tolerance: float, decimals: int) -> list[dict[str, Any]]:
    """The features with their geometries simplified together (shared edges stay shared) and rounded."""
    geometries = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    simplified = shapely.coverage_simplify(geometries, tolerance)
    out = []
    for feature, geometry in zip(features, simplified, strict=True):
        shape = json.loads(shapely.to_geojson(geometry))
        shape["coordinates"] = _round(shape["coordinates"], decimals)
        props = {
            k: feature["properties"][k] for k in ("code", "name", "includes") if k in feature["properties"]
        }
        out.append({"type": "Feature", "properties": props, "geometry": shape})
    return out


def _write(path: Path, features: list[dict[str, Any]]) -> tuple[int, int]:
    """Write a FeatureCollection; return (bytes, gzip -6 bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["properties"]["code"])}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(data)
    return len(data), len(gzip.compress(data, 6, mtime=0))


def build(source: Path, out: Path) -> dict[str, Any]:
    provinces = _load(source, "provinces")
    prefectures = _load(source, "prefectures")
    counties = _load(source, "counties")
    # Counties directly under a province fill the holes the prefecture layer leaves (see the source README).
    direct = [f for f in counties if f["properties"]["parent"].endswith("0000")]
    second_level = _simplified(prefectures + direct, *PROVINCE)
    parent_of = {f["properties"]["code"]: f["properties"]["parent"] for f in prefectures + counties}

    for old in out.glob("*/*.json"):
        old.unlink()
    sizes: dict[str, list[tuple[int, int]]] = {"china": [], "p": [], "c": []}
    sizes["china"].append(_write(out / "china.json", _simplified(provinces, *COUNTRY)))

    by_province: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in second_level:
        by_province[parent_of[feature["properties"]["code"]]].append(feature)
    for code, features in by_province.items():
        sizes["p"].append(_write(out / "p" / f"{code}.json", features))

    by_parent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in _simplified(counties, *PREFECTURE):
        by_parent[parent_of[feature["properties"]["code"]]].append(feature)
    for code, features in by_parent.items():
        sizes["c"].append(_write(out / "c" / f"{code}.json", features))

    def summary(rows: list[tuple[int, int]]) -> dict[str, int]:
        return {
            "files": len(rows),
            "bytes": sum(r[0] for r in rows),
            "gzip_bytes": sum(r[1] for r in rows),
            "largest_gzip_bytes": max(r[1] for r in rows),
        }

    return {name: summary(rows) for name, rows in sizes.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.source / "counties.gcj02.geojson").exists():
        sys.stderr.write(f"{args.source}: no counties.gcj02.geojson (see ../shared/data/boundaries)\n")
        return 2
    report = build(args.source, args.out)
    sys.stdout.write(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
