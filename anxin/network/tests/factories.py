from __future__ import annotations

from anxin.areas.tree import get_tree
from anxin.catalog.models import Brand, ProductCategory
from anxin.network.models import CoverageArea, ServicePoint


def make_point(
    name: str,
    *,
    county_code: str = "",
    lat: float | None = None,
    lng: float | None = None,
    brands: list[Brand] | None = None,
    categories: list[ProductCategory] | None = None,
    covers: list[str] | None = None,
    excludes: list[str] | None = None,
    is_active: bool = True,
) -> ServicePoint:
    """A service point with coverage entries given as division codes."""
    point = ServicePoint.objects.create(
        name=name,
        county_code=county_code,
        latitude=lat,
        longitude=lng,
        is_active=is_active,
        phone="0818-1234567",
    )
    point.brands.set(brands or [])
    point.categories.set(categories or [])
    tree = get_tree()
    for code, exclude in [(c, False) for c in covers or []] + [(c, True) for c in excludes or []]:
        CoverageArea.objects.create(
            service_point=point,
            division_code=code,
            level=tree.by_code[code].level,
            name_path=tree.name_path(code),
            exclude=exclude,
        )
    return point
