"""Messages added while answering an htmx request travel as `anxin:toast` in HX-Trigger."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from anxin.core.htmx import HtmxMessagesMiddleware, toast_trigger


def _request(htmx: bool):
    request = RequestFactory().post("/x/", headers={"HX-Request": "true"} if htmx else {})
    request.session = SessionStore()
    # What MessageMiddleware sets on a request; the stubs do not declare this private attribute.
    setattr(request, "_messages", FallbackStorage(request))  # noqa: B010
    return request


def _run(request, response: HttpResponse) -> HttpResponse:
    def view(req):
        messages.success(req, "已接单")
        messages.error(req, "技师已下班")
        return response

    return HtmxMessagesMiddleware(view)(request)


def test_an_htmx_response_carries_its_messages_as_toasts():
    response = _run(_request(htmx=True), HttpResponse("fragment"))
    assert json.loads(response["HX-Trigger"]) == {
        "anxin:toast": [
            {"level": "success", "message": "已接单"},
            {"level": "error", "message": "技师已下班"},
        ]
    }


def test_full_pages_and_redirects_keep_their_messages_for_the_next_page():
    request = _request(htmx=False)
    assert "HX-Trigger" not in _run(request, HttpResponse("page"))
    assert len(list(messages.get_messages(request))) == 2
    assert "HX-Trigger" not in _run(_request(htmx=True), HttpResponseRedirect("/next/"))


def test_toasts_join_events_already_in_the_header():
    response = HttpResponse()
    response["HX-Trigger"] = "boardChanged"
    toast_trigger(response, {"level": "info", "message": "已刷新"})
    assert json.loads(response["HX-Trigger"]) == {
        "boardChanged": None,
        "anxin:toast": {"level": "info", "message": "已刷新"},
    }
