"""An overview map of counties as dots placed by their centre points (no boundaries needed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

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

# Covered and partly covered counties are the point of the map: bigger dots, drawn last so that the grey
# uncovered dots never hide them. Partly covered ones come after covered ones because they are rarer.
RADIUS = {"none": 1.8, "covered": 3.2, "partial": 3.2}
DRAW_ORDER = {"none": 0, "covered": 1, "partial": 2}


def status_label(status: str) -> str:
    """The legend's words for a county's state, in the active language."""
    if status == "covered":
        return gettext("全部覆盖")
    if status == "partial":
        return gettext("部分乡镇覆盖")
    return gettext("未覆盖")


@dataclass(frozen=True)
class Dot:
    code: str
    name: str
    x: float
    y: float
    status: str  # covered | partial | none

    @property
    def r(self) -> float:
        return RADIUS.get(self.status, RADIUS["none"])

    @property
    def title(self) -> str:
        """Hover text: the county's full name and its coverage state."""
        return f"{self.name} · {status_label(self.status)}"


def county_dots(county_status: dict[str, str]) -> tuple[list[Dot], list[str]]:
    """Dots for counties with a centre inside the frame, in drawing order (uncovered first, so covered ones
    end up on top), and the names of those that could not be placed."""
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
    dots.sort(key=lambda dot: DRAW_ORDER.get(dot.status, 0))  # stable: keeps division order within a state
    return dots, unplaced
