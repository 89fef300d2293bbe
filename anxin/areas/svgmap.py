"""An overview map of counties as dots placed by their centre points (no boundaries needed)."""

from __future__ import annotations

from dataclasses import dataclass

from anxin.areas.tree import get_tree

WEST, EAST, NORTH, SOUTH = (
    73.0,
    135.5,
    53.8,
    17.5,
)  # 三沙's southern reefs fall outside and are listed instead
WIDTH = 900
SCALE = WIDTH / (EAST - WEST)
Y_STRETCH = 1.2  # rough Mercator stretch for China's latitudes
HEIGHT = round((NORTH - SOUTH) * SCALE * Y_STRETCH)


@dataclass(frozen=True)
class Dot:
    code: str
    name: str
    x: float
    y: float
    status: str  # covered | partial | none


def county_dots(county_status: dict[str, str]) -> tuple[list[Dot], list[str]]:
    """Dots for counties with a centre inside the frame, and the names of those that could not be placed."""
    tree = get_tree()
    dots: list[Dot] = []
    unplaced: list[str] = []
    for code, status in county_status.items():
        d = tree.by_code[code]
        if d.lng is None or d.lat is None or not (WEST <= d.lng <= EAST and SOUTH <= d.lat <= NORTH):
            unplaced.append(tree.name_path(code))
            continue
        x = round((d.lng - WEST) * SCALE, 1)
        y = round((NORTH - d.lat) * SCALE * Y_STRETCH, 1)
        dots.append(Dot(code, tree.name_path(code), x, y, status))
    return dots, unplaced
