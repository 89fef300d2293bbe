"""A DomainError raised by a page view becomes its status once, in core: a page, or text + HX-Trigger."""

import json

from django.test import RequestFactory

from anxin.core.exceptions import NotFound, RateLimited
from anxin.core.middleware import DomainErrorMiddleware


def _answer(exc, **headers):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/somewhere/", **headers)
    request.htmx = headers.get("HTTP_HX_REQUEST") == "true"
    return DomainErrorMiddleware(lambda r: None).process_exception(request, exc)


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
    exc.retry_after = 30  # type: ignore[attr-defined]
    response = _answer(exc, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and response["Retry-After"] == "30"


def test_other_exceptions_are_left_to_django(db):
    assert _answer(ValueError("bug")) is None
