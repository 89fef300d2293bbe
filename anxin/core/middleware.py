from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext

from anxin.core.exceptions import DomainError, error_headers
from anxin.core.htmx import toast_trigger

# Batch endpoints whose documented maximum input (1,000 addresses of 300 characters; a 20,000-character
# coverage list) is larger than ANXIN_MAX_JSON_BYTES even as plain UTF-8: they get the general body limit,
# so that no body their schema allows is refused with 413.
BULK_JSON_PATHS = re.compile(r"^/api/v1/areas/(resolve|service-points/\d+/coverage/import)$")


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
        limit = settings.ANXIN_MAX_BODY_BYTES
        if is_json and not BULK_JSON_PATHS.match(request.path):
            limit = settings.ANXIN_MAX_JSON_BYTES
        if length > limit:
            # Before LocaleMiddleware: the request's own language, not whatever the thread had last.
            with translation.override(translation.get_language_from_request(request)):
                detail = gettext("请求正文有 %(length)s 字节，上限为 %(limit)s 字节") % {
                    "length": length,
                    "limit": limit,
                }
            if request.path.startswith("/api/") or is_json:
                return api_error(413, "payload_too_large", detail)
            return HttpResponse(json.dumps({"detail": detail}), status=413, content_type="application/json")
        return self.get_response(request)


class ApiJsonErrorsMiddleware:
    """Under /api/v1/, Django's HTML 404 and ninja's plain-text 405 become the API's JSON error shape.

    Ninja's own handlers already cover everything an endpoint raises; what is left is the routing layer:
    a path no endpoint serves (Django's 404 page) and a method an endpoint does not take (405).
    """

    PREFIX = "/api/v1/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.PREFIX) or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return api_error(404, "not_found", gettext("没有这个接口：%(path)s") % {"path": request.path})
        allowed = response.get("Allow", "")
        json_response = api_error(
            405,
            "method_not_allowed",
            gettext("此接口不接受 %(method)s 请求，请使用 %(allowed)s")
            % {"method": request.method, "allowed": allowed},
        )
        json_response["Allow"] = allowed
        return json_response


class DomainErrorMiddleware:
    """The one mapping of a DomainError raised in a page view to its HTTP answer.

    The status and code come from the exception class (``anxin.core.exceptions``), as for the API
    (``anxin/api.py``). htmx and fetch callers get the sentence as a short text body (shown in place)
    plus an ``HX-Trigger`` event carrying it for a toast; a page load gets the error page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None  # Django's own handlers (404, 403, 500 pages)
        return domain_error_response(request, exception)


def domain_error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if _wants_fragment(request):
        response = HttpResponse(exc.detail, status=exc.status, content_type="text/plain; charset=utf-8")
        # The one toast contract (docs/architecture.md §7): static/js/anxin.js shows it in place.
        toast_trigger(
            response, {"level": "error", "message": exc.detail, "code": exc.code, "field": exc.field or ""}
        )
    else:
        context = {"detail": exc.detail, "code": exc.code}
        response = render(request, "core/error.html", context, status=exc.status)
    for header, value in error_headers(exc).items():
        response[header] = value
    return response


def _wants_fragment(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False)) or request.headers.get("Accept", "").startswith(
        "application/json"
    )


def api_error(status: int, code: str, detail: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail, "field": field}, status=status)


def _is_machine_api_call(request: HttpRequest) -> bool:
    """An API call without a browser session: a partner's client, which says its language in
    Accept-Language (a browser's header says nothing about the user's choice, so pages ignore it)."""
    return request.path.startswith("/api/") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _accept_language(request: HttpRequest, supported: set[str]) -> str:
    """The first language of Accept-Language that we speak ("en-US" is English), else ""."""
    from django.utils.translation import get_supported_language_variant
    from django.utils.translation.trans_real import parse_accept_lang_header

    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        try:
            variant = get_supported_language_variant(code)
        except LookupError:
            continue
        if variant in supported:
            return variant
    return ""


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; our users expect
    Chinese whatever their browser says, and English only on request. API clients without a
    browser session (tokens, webhooks) ask with Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        if chosen not in supported and _is_machine_api_call(request):
            chosen = _accept_language(request, supported)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
