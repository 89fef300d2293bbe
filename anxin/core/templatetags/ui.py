"""Small pieces of the design system: icons and status badges (`{% load ui %}`).

Core sits below every domain app, so the badge table is keyed by the status *values* (plain strings)
instead of importing the apps' choices; a test checks that every work-order and claim status has a row.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from anxin.core.icons import ICONS, SPRITE, SYMBOL_PREFIX

register = template.Library()

# status value -> (tone, icon). Tones are the .tone-* classes in static/css/anxin.css, each AA-contrast.
ORDER_STATUS_BADGES: dict[str, tuple[str, str]] = {
    "received": ("info", "clipboard-list"),
    "accepted": ("info", "clipboard-check"),
    "dispatched": ("primary", "route"),
    "technician_accepted": ("primary", "user-check"),
    "en_route": ("primary", "truck"),
    "on_site": ("primary", "map-pin"),
    "diagnosed": ("primary", "stethoscope"),
    "awaiting_approval": ("warning", "hourglass"),
    "in_repair": ("primary", "tool"),
    "completed": ("success", "circle-check"),
    "followed_up": ("success", "message-circle"),
    "closed": ("neutral", "lock"),
    "cancelled": ("neutral", "ban"),
    "reopened": ("warning", "refresh"),
}
CLAIM_STATUS_BADGES: dict[str, tuple[str, str]] = {
    "submitted": ("info", "clipboard-list"),
    "analyzing": ("info", "photo-search"),
    "review": ("warning", "hourglass"),
    "more_evidence": ("warning", "alert-circle"),
    "approved": ("success", "circle-check"),
    "rejected": ("danger", "circle-x"),
    "repair_proposed": ("info", "tool"),
    "replacement_proposed": ("info", "replace"),
    "appealed": ("warning", "scale"),
    "closed": ("neutral", "lock"),
}
BADGES = {"order": ORDER_STATUS_BADGES, "claim": CLAIM_STATUS_BADGES}
UNKNOWN_BADGE = ("neutral", "info-circle")
_KNOWN_ICONS = frozenset(ICONS)


@register.simple_tag
def icon(name: str, label: str = "", css: str = "") -> SafeString:
    """An inline SVG from the sprite; decorative (aria-hidden) unless it carries a label."""
    if name not in _KNOWN_ICONS:
        # A typo must not break a page; the test over all templates catches it before release.
        name = "info-circle"
    href = f"{static(SPRITE)}#{SYMBOL_PREFIX}{name}"
    css_class = f"icon {css}".strip()
    if label:
        return format_html(
            '<svg class="{}" role="img" aria-label="{}" focusable="false"><title>{}</title><use href="{}"></use></svg>',
            css_class,
            label,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', css_class, href
    )


@register.simple_tag
def status_badge(subject: Any, label: str = "", kind: str = "order") -> SafeString:
    """A status as colour, icon AND words: `{% status_badge order %}`, `{% status_badge claim kind="claim" %}`,
    or `{% status_badge e.to_status e.to_status|status_label %}` for a bare value."""
    if hasattr(subject, "status"):
        value = subject.status
        label = label or subject.get_status_display()
    else:
        value = str(subject)
    tone, icon_name = BADGES.get(kind, ORDER_STATUS_BADGES).get(value, UNKNOWN_BADGE)
    return format_html(
        '<span class="badge status-badge tone-{}" data-status="{}">{}<span>{}</span></span>',
        tone,
        value,
        icon(icon_name),
        label or value,
    )
