"""``{% anxin_map spec "dom-id" %}``: one map (Leaflet + static/js/anxin-map.js) drawing a ``MapSpec``."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from anxin.areas.maps import MapSpec

register = template.Library()


@register.inclusion_tag("areas/_map.html")
def anxin_map(
    spec: MapSpec, dom_id: str, *, size: str = "", preserve: bool = False, assets: bool = True
) -> dict[str, Any]:
    """``size``: "" (default height) or "small" (phone-sized pages). ``preserve``: keep the map (and the
    user's pan/zoom) when htmx swaps the content around it; the overlays are then updated from the new JSON.
    ``assets=False``: the page loads Leaflet with ``{% anxin_map_assets %}`` outside the swapped fragment
    (htmx would otherwise run the script tags again on every swap).
    """
    return {
        "assets": assets,
        "label": spec.label,
        "dom_id": dom_id,
        "data_id": f"{dom_id}-data",
        "size": size,
        "preserve": preserve,
        "config": {"spec": spec.as_dict(), "tile": _tile_config()},
    }


@register.inclusion_tag("areas/_map_assets.html")
def anxin_map_assets() -> dict[str, Any]:
    """The stylesheets and scripts a map needs, once per page."""
    return {}


def _tile_config() -> dict[str, str]:
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "key": settings.MAP_TILE_KEY,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "datum": settings.MAP_TILE_DATUM,
    }
