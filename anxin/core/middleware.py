from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them.

    JSON API calls get a tighter limit than multipart uploads (photos, mail).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        is_json = request.META.get("CONTENT_TYPE", "").startswith("application/json")
        limit = settings.ANXIN_MAX_JSON_BYTES if is_json else settings.ANXIN_MAX_BODY_BYTES
        if length > limit:
            detail = f"Request body is {length} bytes; the limit is {limit} bytes"
            if request.path.startswith("/api/") or is_json:
                return JsonResponse(
                    {"error": "payload_too_large", "detail": detail, "field": None}, status=413
                )
            return HttpResponse(json.dumps({"detail": detail}), status=413, content_type="application/json")
        return self.get_response(request)


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; our users expect
    Chinese whatever their browser says, and English only on request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
