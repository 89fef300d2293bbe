"""What a map shows: outline files, shading, markers and routes, handed to static/js/anxin-map.js as JSON.

Outlines are static files built by ``scripts/build_boundaries.py`` (see static/geo/README.md), split so that a
page downloads only what it draws: ``geo/china.json`` (provinces), ``geo/p/<province>.json`` (a province's
prefectures and the county-level units directly under it), ``geo/c/<parent>.json`` (the county-level units of
one prefecture, or of a province for units directly under it). All coordinates are GCJ-02, like our points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.templatetags.static import static
from django.utils.translation import gettext

from anxin.areas.tree import COUNTY, PREFECTURE, PROVINCE, TOWNSHIP, DivisionTree, get_tree
from anxin.core.exceptions import BadRequest

COUNTRY_FILE = "geo/china.json"


@dataclass
class Outline:
    """One outline file; ``shading`` maps a feature code to a CSS modifier (anxin-area--<value>)."""

    url: str
    shading: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # hover text; the feature's name when absent
    links: dict[str, str] = field(default_factory=dict)  # click a feature to open this page
    focus: str = ""  # highlight this feature and fit the view to it


@dataclass
class Marker:
    lat: float
    lng: float
    kind: str  # technician | job | unassigned | service_point | destination
    label: str
    label_shown: bool = False  # label always visible (else on hover/tap)


@dataclass
class Route:
    points: list[tuple[float, float]]  # (lat, lng), in driving order
    kind: str  # planned | approach
    label: str = ""


@dataclass
class MapSpec:
    label: str  # accessible name of the map
    outlines: list[Outline] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    fit: str = "outlines"  # outlines | markers: what the first view frames (focus wins over both)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def children_file(code: str, tree: DivisionTree | None = None) -> str:
    """Static path of the file that draws the divisions one level below ``code`` ("" = the country)."""
    if not code:
        return COUNTRY_FILE
    tree = tree or get_tree()
    division = tree.by_code[code]
    if division.level == PROVINCE:
        return f"geo/p/{code}.json"
    if division.level == PREFECTURE and not division.acts_as_county:
        return f"geo/c/{code}.json"
    return county_file(code, tree)


def county_file(code: str, tree: DivisionTree | None = None) -> str:
    """Static path of the file holding a county-level unit (or a township's county), with its neighbours."""
    tree = tree or get_tree()
    county = tree.by_code[tree.county_of(code) if tree.by_code[code].level == TOWNSHIP else code]
    return f"geo/c/{county.parent_code}.json"


def county_outline(code: str, *, tree: DivisionTree | None = None) -> Outline:
    """The county's prefecture file, with the county highlighted (for one order's place)."""
    tree = tree or get_tree()
    county = tree.county_of(code) if tree.by_code[code].level == TOWNSHIP else code
    return Outline(url=static(county_file(county, tree)), focus=county)


# Coverage share of an area's counties (covered = 1, partly covered = ½) → shading step, for the legend.
SHARE_STEPS = ((0.0, "share-0"), (0.25, "share-1"), (0.5, "share-2"), (0.75, "share-3"), (1.0, "share-4"))


def share_step(covered: int, partial: int, counties: int) -> str:
    share = (covered + partial / 2) / counties if counties else 0.0
    if share == 0:
        return "share-0"
    return next(step for limit, step in SHARE_STEPS[1:] if share <= limit)


@dataclass
class AreaView:
    """The coverage map at one area: where we are (breadcrumbs) and what to draw."""

    code: str
    crumbs: list[tuple[str, str]]  # (code, name), country first; "" is the country
    spec: MapSpec
    legends: tuple[str, ...]  # "share" (areas shaded by share covered), "status" (counties by state)


def coverage_area_view(
    *, area: str, county_status: dict[str, str], href: Callable[[str], str], tree: DivisionTree | None = None
) -> AreaView:
    """The coverage map of ``area`` (a province or prefecture code; "" for the country): its children's outlines,
    shaded by how much of each is covered (counties: covered / partial / none), each linking one level down.

    ``county_status`` is ``CoverageSummary.county_status``; ``href(code)`` builds the link to a child's map.
    """
    tree = tree or get_tree()
    division = tree.by_code.get(area) if area else None
    if area and (division is None or division.level not in (PROVINCE, PREFECTURE) or division.acts_as_county):
        raise BadRequest(gettext("area：应为省级或地级区划代码"), field="area")
    tallies: dict[str, list[int]] = {}  # child code → [counties, covered, partial]
    for code, status in county_status.items():
        chain = (code, *tree.ancestors[code])
        if area:
            if area not in chain:
                continue
            child = chain[chain.index(area) - 1]
        else:
            child = chain[-1]
        tally = tallies.setdefault(child, [0, 0, 0])
        tally[0] += 1
        tally[1] += status == "covered"
        tally[2] += status == "partial"
    shading: dict[str, str] = {}
    titles: dict[str, str] = {}
    links: dict[str, str] = {}
    for child, (counties, covered, partial) in tallies.items():
        d = tree.by_code[child]
        if d.acts_as_county or d.level == COUNTY:
            shading[child] = county_status[child]
            titles[child] = f"{d.name} · {coverage_label(county_status[child])}"
            continue
        shading[child] = share_step(covered, partial, counties)
        titles[child] = gettext(
            "%(name)s · %(counties)s 个县级区划，全部覆盖 %(covered)s，部分覆盖 %(partial)s"
        ) % {
            "name": d.name,
            "counties": counties,
            "covered": covered,
            "partial": partial,
        }
        links[child] = href(child)
    crumbs = [("", gettext("全国"))] + [(d.code, d.name) for d in tree.chain(area)] if area else []
    name = tree.by_code[area].name if area else gettext("全国")
    spec = MapSpec(
        label=gettext("%(name)s服务覆盖地图") % {"name": name},
        outlines=[
            Outline(url=static(children_file(area, tree)), shading=shading, titles=titles, links=links)
        ],
    )
    kinds = {"status" if value in ("covered", "partial", "none") else "share" for value in shading.values()}
    legends = tuple(k for k in ("share", "status") if k in kinds)
    return AreaView(code=area, crumbs=crumbs or [("", gettext("全国"))], spec=spec, legends=legends)


def coverage_label(status: str) -> str:
    """The legend's words for a county's state, in the active language."""
    if status == "covered":
        return gettext("全部覆盖")
    if status == "partial":
        return gettext("部分乡镇覆盖")
    return gettext("未覆盖")
