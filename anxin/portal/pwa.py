"""The technician's installable app: its web manifest and the service worker that keeps it working offline.

The worker is served from the site root (not /static/) so that its scope covers the field pages; it is a
template because the list of field pages and its texts come from here. See static/js/field-offline.js.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Pages a technician works in on site; the worker caches them and queues their actions offline.
FIELD_PREFIXES = ["/dispatch/me/", "/visits/", "/parts/", "/prices/", "/orders/"]
# Bump when the worker's behaviour changes: the new worker drops the old caches on activation.
WORKER_VERSION = "3"


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    body = render_to_string(
        "portal/sw.js",
        {
            "version": WORKER_VERSION,
            "field_prefixes": json.dumps(FIELD_PREFIXES),
            "start_url": reverse("dispatch:me"),
            "queued_message": gettext("网络不可用：已保存在手机上，联网后按顺序自动提交"),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": gettext("安心技师"),
            "short_name": gettext("安心技师"),
            "lang": getattr(request, "LANGUAGE_CODE", "zh-hans"),
            "start_url": reverse("dispatch:me"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0a6e5c",
            "icons": [
                {"src": static("img/app-icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/app-icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
