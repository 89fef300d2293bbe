"""The REST API under /api/v1: one ninja Router per app, one error shape for every failure."""

from __future__ import annotations

import logging
from typing import Any

from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from anxin.core.exceptions import DomainError, error_headers
from anxin.core.validation import input_error_from_pydantic

logger = logging.getLogger("anxin.api")

api = NinjaAPI(
    title="Anxin API",
    version="1",
    description="After-sales service platform: work orders, customers, areas, dispatch.",
    urls_namespace="api",
    docs_url="/docs",
)


def error_response(
    request: HttpRequest, *, status: int, code: str, detail: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(request, {"error": code, "detail": detail, "field": field}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(request, status=exc.status, code=exc.code, detail=exc.detail, field=exc.field)
    for header, value in error_headers(exc).items():
        response[header] = value
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return validation_error_response(request, list(exc.errors))


@api.exception_handler(PydanticValidationError)
def on_model_validation_error(request: HttpRequest, exc: PydanticValidationError) -> HttpResponse:
    """A schema built inside an endpoint or service: the same answer as a bad request body."""
    return validation_error_response(request, list(exc.errors()))


def validation_error_response(request: HttpRequest, errors: list[Any]) -> HttpResponse:
    """Pydantic's first error as the one error shape: 422 naming the field (400 for broken JSON)."""
    error = input_error_from_pydantic(errors)
    return error_response(
        request, status=error.status, code=error.code, detail=error.detail, field=error.field
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, status=401, code="unauthenticated", detail=gettext("需要有效的 API 令牌或登录会话")
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return error_response(
            request, status=400, code="invalid_json", detail=gettext("请求正文不是有效的 JSON")
        )
    return error_response(request, status=exc.status_code, code="http_error", detail=str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", detail=gettext("未找到"))


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: log it with its traceback, tell Django's listeners, answer the one shape without internals."""
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    got_request_exception.send(sender=None, request=request)
    return error_response(
        request, status=500, code="server_error", detail=gettext("服务器暂时无法处理此请求")
    )


api.add_router("/orders", "anxin.workorders.api.router")
api.add_router("/intake", "anxin.intake.api.router")
api.add_router("/customers", "anxin.customers.api.router")
api.add_router("/catalog", "anxin.catalog.api.router")
api.add_router("/accounts", "anxin.accounts.api.router")
api.add_router("/areas", "anxin.areas.api.router")
api.add_router("/areas", "anxin.network.api.router")  # coverage: same /areas paths as before the move
api.add_router("/sla", "anxin.sla.api.router")
api.add_router("/dispatch", "anxin.dispatch.api.router")
api.add_router("/claims", "anxin.evidence.api.router")
api.add_router("/visits", "anxin.visits.api.router")
api.add_router("/parts", "anxin.parts.api.router")
api.add_router("/pricing", "anxin.pricing.api.router")
api.add_router("/orders", "anxin.reports.api.router")  # GET /orders/{number}/report
api.add_router("/uploads", "anxin.uploads.api.router")  # tus resumable uploads (ADR 27)
api.add_router("/trust", "anxin.trust.api.router")
