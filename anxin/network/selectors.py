"""Reads: service points, technicians, and which points cover a place (nearest ones, coverage summaries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import Scope, require, scope_of
from anxin.areas.coverage import covered_counties, decide, distance_km, place_chain, place_point
from anxin.areas.resolver import Resolution, resolve
from anxin.areas.tree import PREFECTURE, PROVINCE, Division, DivisionTree, get_tree
from anxin.catalog.models import Brand, ProductCategory
from anxin.core.exceptions import NotFound, ValidationFailed
from anxin.core.masking import normalize_phone
from anxin.network.choices import CoverageOutcome
from anxin.network.models import CoverageArea, ServicePoint, Technician
from anxin.network.permissions import COVERAGE_EDIT, COVERAGE_VIEW

# --- technicians ---------------------------------------------------------------------------


def technician_get_by_employee_no(*, employee_no: str) -> Technician:
    technician = (
        Technician.objects.select_related("user", "service_point")
        .filter(employee_no=employee_no, is_active=True)
        .first()
    )
    if technician is None:
        raise NotFound(
            gettext("没有在岗的技师 %(employee_no)s") % {"employee_no": employee_no}, field="technician"
        )
    return technician


def technician_lookup_for_verification(*, employee_no: str) -> Technician | None:
    """Any technician with this employee number (any case, active or not), for the "is he really ours?" page."""
    return (
        Technician.objects.select_related("user", "service_point")
        .filter(employee_no__iexact=employee_no)
        .first()
    )


def service_point_by_phone(*, digits: str) -> ServicePoint | None:
    """The service point publishing this number (digits as ``normalize_phone`` gives them), active ones first."""
    if len(digits) < 7:
        return None
    # Stored numbers are free-form ("0571-8888 6666"): narrow by the last four digits in SQL, compare in Python.
    candidates = ServicePoint.objects.filter(phone__contains=digits[-4:]).order_by("-is_active", "name")
    return next((p for p in candidates if normalize_phone(p.phone) == digits), None)


def technicians_for_order(*, order) -> list[Technician]:  # type: ignore[no-untyped-def]
    """Active technicians who have the skill (brand × category) for the order, the order's service point first."""
    # Skills prefetched: dispatch's technicians_skilled reads them for every technician returned.
    technicians = (
        Technician.objects.filter(is_active=True)
        .select_related("user", "service_point")
        .prefetch_related("brands", "categories")
    )
    if order.brand_id:
        technicians = technicians.filter(brands=order.brand_id)
    if order.category_id:
        technicians = technicians.filter(categories=order.category_id)
    return sorted(
        technicians.distinct(),
        key=lambda t: (t.service_point.county_code != order.county_code, t.employee_no),
    )


def technician_for_user(*, actor: User) -> Technician:
    """The signed-in technician's own record (only technicians have one)."""
    technician = (
        Technician.objects.select_related("user", "service_point").filter(user=actor, is_active=True).first()
        if actor.is_authenticated
        else None
    )
    if technician is None:
        raise NotFound(gettext("您不是在岗的技师"), field="technician")
    return technician


def technicians_of_point(*, service_point: ServicePoint) -> list[Technician]:
    return list(
        Technician.objects.filter(service_point=service_point, is_active=True)
        .select_related("user")
        .prefetch_related("brands", "categories")
        .order_by("employee_no")
    )


# --- coverage ------------------------------------------------------------------------------


def _points(brand: Brand | int | None, category: ProductCategory | int | None) -> QuerySet[ServicePoint]:
    """Active points serving the brand and category. A point serves only the brands and categories it lists."""
    qs = ServicePoint.objects.filter(is_active=True)
    if brand is not None:
        qs = qs.filter(brands=brand)
    if category is not None:
        qs = qs.filter(categories=category)
    return qs


def _point_location(point: ServicePoint) -> tuple[float, float] | None:
    if point.latitude is not None and point.longitude is not None:
        return point.latitude, point.longitude
    if point.county_code:
        return place_point(get_tree(), point.county_code)
    return None


def _distance(point: ServicePoint, origin: tuple[float, float] | None) -> float:
    location = _point_location(point)
    if origin is None or location is None:
        return float("inf")
    return distance_km(origin, location)


def service_points_covering(
    *,
    county_code: str,
    township_code: str = "",
    brand: Brand | int | None = None,
    category: ProductCategory | int | None = None,
) -> list[ServicePoint]:
    """Active points whose coverage includes the place, best first.

    Best = the most specific coverage entry (a point that lists the township before one that lists the whole
    prefecture), then the shortest distance from the place's centre, then the name. One query.
    """
    tree = get_tree()
    chain = place_chain(tree, county_code, township_code)
    if not chain:
        return []
    rows = (
        CoverageArea.objects.filter(division_code__in=chain, service_point__in=_points(brand, category))
        .select_related("service_point")
        .order_by()
    )
    entries: dict[int, dict[str, bool]] = defaultdict(dict)
    points: dict[int, ServicePoint] = {}
    for row in rows:
        entries[row.service_point_id][row.division_code] = row.exclude
        points[row.service_point_id] = row.service_point
    origin = place_point(tree, chain[0])
    ranked = []
    for point_id, point_entries in entries.items():
        covered, level = decide(chain, point_entries)
        if covered:
            point = points[point_id]
            ranked.append((-level, _distance(point, origin), point.name, point))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked]


def service_points_nearest(
    *,
    county_code: str,
    township_code: str = "",
    brand: Brand | int | None = None,
    category: ProductCategory | int | None = None,
    limit: int = 3,
) -> list[tuple[ServicePoint, float]]:
    """The closest active points (straight-line km from the place's centre), whatever their coverage.

    Points without a location (no coordinates and no county) are left out. One query.
    """
    tree = get_tree()
    chain = place_chain(tree, county_code, township_code)
    origin = place_point(tree, chain[0]) if chain else None
    if origin is None:
        return []
    measured = [(point, _distance(point, origin)) for point in _points(brand, category).order_by()]
    measured = [(p, round(d, 1)) for p, d in measured if d != float("inf")]
    measured.sort(key=lambda item: (item[1], item[0].name))
    return measured[:limit]


@dataclass(frozen=True)
class CoverageLookup:
    """The answer to "who serves this address for this brand and category?"."""

    outcome: str  # CoverageOutcome
    resolution: Resolution
    points: list[ServicePoint] = field(default_factory=list)
    nearest: list[tuple[ServicePoint, float]] = field(default_factory=list)


def coverage_lookup(
    *,
    actor: User,
    address: str = "",
    code: str = "",
    brand: Brand | int | None = None,
    category: ProductCategory | int | None = None,
) -> CoverageLookup:
    """Resolve the address (or take the code) and list covering points; outside all coverage, the nearest."""
    require(actor, COVERAGE_VIEW)
    if not address.strip() and not code.strip():
        raise ValidationFailed(gettext("请填写地址或区划代码"), field="address")
    resolution = resolve(code.strip() or address)
    if not resolution.county_code:
        return CoverageLookup(outcome=CoverageOutcome.UNRESOLVED, resolution=resolution)
    place = {"county_code": resolution.county_code, "township_code": resolution.township_code}
    points = service_points_covering(**place, brand=brand, category=category)
    if points:
        return CoverageLookup(outcome=CoverageOutcome.COVERED, resolution=resolution, points=points)
    nearest = service_points_nearest(
        county_code=resolution.county_code,
        township_code=resolution.township_code,
        brand=brand,
        category=category,
    )
    return CoverageLookup(outcome=CoverageOutcome.OUT_OF_COVERAGE, resolution=resolution, nearest=nearest)


def service_point_get_for(*, actor: User, pk: int) -> ServicePoint:
    """A service point whose coverage the actor may edit."""
    require(actor, COVERAGE_EDIT)
    point = ServicePoint.objects.filter(pk=pk).first()
    if point is None:
        raise NotFound(gettext("网点不存在"))
    return point


def service_points_for(*, actor: User) -> QuerySet[ServicePoint]:
    require(actor, COVERAGE_EDIT)
    return ServicePoint.objects.annotate(coverage_count=Count("coverage")).order_by("name")


def coverage_list_for(*, actor: User, service_point: ServicePoint) -> QuerySet[CoverageArea]:
    require(actor, COVERAGE_VIEW)
    return CoverageArea.objects.filter(service_point=service_point).order_by("exclude", "division_code")


def brands_visible_to(*, actor: User) -> QuerySet[Brand]:
    """Brand staff see their own brands; operations staff see all."""
    require(actor, COVERAGE_VIEW)
    if scope_of(actor, COVERAGE_VIEW) == Scope.BRAND:
        return actor.brands.order_by("name")
    return Brand.objects.order_by("name")


@dataclass(frozen=True)
class AreaCount:
    code: str
    name: str
    counties: int
    covered: int
    partial: int

    @property
    def uncovered(self) -> int:
        return self.counties - self.covered - self.partial


@dataclass(frozen=True)
class CoverageSummary:
    provinces: list[AreaCount]
    prefectures: dict[str, list[AreaCount]]  # by province code
    county_status: dict[str, str]  # county code → "covered" | "partial" | "none"
    total: AreaCount

    @property
    def rows(self) -> list[tuple[AreaCount, list[AreaCount]]]:
        """Each province with its prefectures, for the table."""
        return [(p, self.prefectures[p.code]) for p in self.provinces]


def coverage_summary(*, actor: User, brand: Brand | None) -> CoverageSummary:
    """County coverage for a brand (all brands when None): counts per province and prefecture, and the status
    of every county for the map. Statistical units (development zones) are not counted. One query.
    """
    require(actor, COVERAGE_VIEW)
    if (
        brand is not None
        and scope_of(actor, COVERAGE_VIEW) == Scope.BRAND
        and not actor.brands.filter(pk=brand.pk).exists()
    ):
        raise NotFound(gettext("品牌不存在"))
    tree = get_tree()
    counties = [d for d in tree.by_code.values() if d.acts_as_county and not d.statistical]
    status = _county_status(brand, tree, counties)
    tallies = _tallies_by_area(tree, counties, status)

    def count(code: str) -> AreaCount:
        t = tallies[code]
        return AreaCount(code, tree.by_code[code].name, t[0], t[1], t[2])

    provinces = [count(d.code) for d in sorted(tree.of_level(PROVINCE), key=lambda d: d.code)]
    prefectures = {
        p.code: [count(c) for c in tree.children.get(p.code, []) if tree.by_code[c].level == PREFECTURE]
        for p in provinces
    }
    total = AreaCount(
        "", "全国", len(counties), sum(p.covered for p in provinces), sum(p.partial for p in provinces)
    )
    return CoverageSummary(provinces=provinces, prefectures=prefectures, county_status=status, total=total)


def _county_status(brand: Brand | None, tree: DivisionTree, counties: list[Division]) -> dict[str, str]:
    """Each county as "covered" (some service point covers all of it), "partial" (only some townships) or
    "none", over the brand's service points (all when None)."""
    per_point: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    rows = CoverageArea.objects.filter(service_point__in=_points(brand, None)).values_list(
        "service_point_id", "division_code", "exclude"
    )
    for point_id, code, exclude in rows.order_by():
        per_point[point_id].append((code, exclude))
    covered: set[str] = set()
    partial: set[str] = set()
    for entries in per_point.values():
        full, part = covered_counties(entries, tree)
        covered |= full
        partial |= part
    partial -= covered
    return {
        d.code: "covered" if d.code in covered else "partial" if d.code in partial else "none"
        for d in counties
    }


def _tallies_by_area(
    tree: DivisionTree, counties: list[Division], status: dict[str, str]
) -> dict[str, list[int]]:
    """[counties, covered, partial] for every province and prefecture, counted up from the counties."""
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for d in counties:
        for code in (d.code, *tree.ancestors[d.code]):
            if tree.by_code[code].level in (PROVINCE, PREFECTURE):
                tally = tallies[code]
                tally[0] += 1
                tally[1] += status[d.code] == "covered"
                tally[2] += status[d.code] == "partial"
    return tallies
