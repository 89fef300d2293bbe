"""The icons the product uses: a small subset of Tabler Icons (MIT), shipped as one SVG sprite.

The sprite (static/vendor/tabler-icons/sprite.svg) holds only the names below, so a page never downloads
the 5,000-icon font. To add an icon: add its name here and rebuild the sprite from the npm package
(`manage.py build_icon_sprite /tmp/tabler-icons/package/icons/outline`, see static/vendor/README.md).
"""

from __future__ import annotations

SPRITE = "vendor/tabler-icons/sprite.svg"
SYMBOL_PREFIX = "i-"

ICONS = (
    # navigation and actions
    "alert-circle",
    "alert-triangle",
    "arrow-right",
    "building-store",
    "calendar",
    "check",
    "chevron-right",
    "clipboard-check",
    "clipboard-list",
    "clock",
    "headset",
    "home",
    "inbox",
    "info-circle",
    "language",
    "layout-kanban",
    "list-details",
    "logout",
    "map",
    "map-2",
    "map-pin",
    "menu-2",
    "phone",
    "receipt-refund",
    "route",
    "scale",
    "search",
    "settings",
    "shield-check",
    "tool",
    "user",
    "x",
    # statuses
    "ban",
    "circle-check",
    "circle-x",
    "file-search",
    "hourglass",
    "lock",
    "message-circle",
    "photo-search",
    "player-play",
    "refresh",
    "replace",
    "stethoscope",
    "truck",
    "user-check",
)
