"""htmx helpers: Django messages raised while answering an htmx request become toasts.

An htmx response swaps a fragment, so a message added by the view would otherwise wait for the next
full page. The middleware moves them into the `HX-Trigger` header as the `anxin:toast` event that
static/js/anxin.js shows (contract in docs/architecture.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

TOAST_EVENT = "anxin:toast"
# Django's level tags, mapped onto the four toast levels.
LEVELS = {"debug": "info", "info": "info", "success": "success", "warning": "warning", "error": "error"}


def toast_trigger(response: HttpResponse, *toasts: dict[str, str]) -> HttpResponse:
    """Add toasts to a response's HX-Trigger header, keeping any events already there."""
    header = response.get("HX-Trigger", "")
    try:
        events = json.loads(header) if header else {}
    except ValueError:
        events = {}
    if not isinstance(events, dict):  # a bare event name ("refresh") is valid htmx too
        events = {}
    if header and not events:
        events = {name.strip(): None for name in header.split(",") if name.strip()}
    earlier = events.get(TOAST_EVENT) or []
    earlier = earlier if isinstance(earlier, list) else [earlier]
    items = earlier + list(toasts)
    events[TOAST_EVENT] = items[0] if len(items) == 1 else items
    # ASCII only: a header is Latin-1, so Chinese travels as \u escapes, which JSON.parse undoes.
    response["HX-Trigger"] = json.dumps(events)
    return response


class HtmxMessagesMiddleware:
    """After MessageMiddleware's view call: htmx responses carry their messages as toasts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_htmx = request.headers.get("HX-Request") == "true"
        # A redirect (or htmx's own HX-Redirect/HX-Refresh) loads a full page, which shows them itself.
        if (
            not is_htmx
            or 300 <= response.status_code < 400
            or "HX-Redirect" in response
            or "HX-Refresh" in response
        ):
            return response
        storage = messages.get_messages(request)
        if getattr(storage, "used", False):  # the response is a full page that already showed them
            return response
        toasts = [{"level": LEVELS.get(m.level_tag, "info"), "message": str(m)} for m in storage]
        return toast_trigger(response, *toasts) if toasts else response
