"""A DomainError raised by a page view becomes its status once, in core: a page, or text + HX-Trigger."""

import json
from typing import cast

from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from anxin.accounts.requests import HtmxRequest
from anxin.core.exceptions import NotFound, RateLimited
from anxin.core.middleware import DomainErrorMiddleware


def _answer(exc, **headers):
    # A bare factory request: set ``htmx`` as django-htmx's middleware does (true for HX-Request: true).
    request = cast(HtmxRequest, RequestFactory().get("/somewhere/", **headers))
    request.htmx = HtmxDetails(request)
    return DomainErrorMiddleware(lambda r: HttpResponse()).process_exception(request, exc)


def test_a_page_load_gets_the_error_page_with_the_status(db):
    response = _answer(NotFound("没有这个工单", field="number"))
    assert response.status_code == 404
    assert "没有这个工单" in response.content.decode()


def test_htmx_gets_the_sentence_and_a_toast_event(db):
    response = _answer(NotFound("没有这个工单", field="number"), HTTP_HX_REQUEST="true")
    assert response.status_code == 404 and response.content.decode() == "没有这个工单"
    event = json.loads(response["HX-Trigger"])["anxin:toast"]
    assert event == {"level": "error", "message": "没有这个工单", "code": "not_found", "field": "number"}


def test_a_rate_limit_says_when_to_retry(db):
    exc = RateLimited("slow down")
    exc.retry_after = 30
    response = _answer(exc, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and response["Retry-After"] == "30"


def test_other_exceptions_are_left_to_django(db):
    assert _answer(ValueError("bug")) is None
