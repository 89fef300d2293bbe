"""API error messages come from the translation catalogue: Chinese by default, English when the
client asks for it with ``Accept-Language: en``. The code and the field never change with the language."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from anxin.workorders.tests.factories import order_file

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def order(db, brand, category):
    return order_file(phone="13800138000")


def _transition(client: Client, number: str, body: dict, **headers: str):
    return client.post(
        f"/api/v1/orders/{number}/transitions",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def _social(client: Client, **headers: str):
    return client.post("/api/v1/intake/social", data=b"{}", content_type="application/json", **headers)


# One sample per kind of error: role, request, status, code, field, Chinese detail, English detail.
CASES = [
    # 422: pydantic's "missing", named by field
    (
        "agent",
        lambda c, n, h: _transition(c, n, {}, **h),
        422,
        "missing_field",
        "event",
        "缺少必填字段 event",
        "The field event is required",
    ),
    # 422: pydantic's string_too_long
    (
        "agent",
        lambda c, n, h: _transition(c, n, {"event": "x" * 31}, **h),
        422,
        "invalid",
        "event",
        "event 过长：最多 30",
        "event is too long: at most 30",
    ),
    # 404: an order the actor cannot see
    (
        "agent",
        lambda c, n, h: c.get("/api/v1/orders/NOPE42", **h),
        404,
        "not_found",
        "number",
        "没有您可查看的工单 NOPE42",
        "No work order NOPE42 that you can see",
    ),
    # 409: an event the state machine does not know
    (
        "agent",
        lambda c, n, h: _transition(c, n, {"event": "fly"}, **h),
        409,
        "unknown_event",
        "event",
        "未知的操作「fly」",
        "Unknown event 'fly'",
    ),
    # 403: the permission registry's denial
    (
        "brand_staff",
        lambda c, n, h: _transition(c, n, {"event": "cancel"}, **h),
        403,
        "forbidden_transition",
        "event",
        "您的角色无权执行此操作",
        "Your role may not do this",
    ),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("role", "call", "status", "code", "field", "chinese", "english"),
    CASES,
    ids=["422-missing", "422-too-long", "404", "409", "403"],
)
def test_api_errors_speak_the_request_language(
    request, order, api_client, token_for, language, role, call, status, code, field, chinese, english
):
    client = api_client(token_for(request.getfixturevalue(role)))
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"} if language == "en" else {}

    response = call(client, order.number, headers)

    assert response.status_code == status, response.content
    body = response.json()
    assert (body["error"], body["field"]) == (code, field)
    if language == "en":
        assert body["detail"] == english
        assert not CJK.search(body["detail"])
    else:
        assert body["detail"] == chinese


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({}, "请求过于频繁"), ({"HTTP_ACCEPT_LANGUAGE": "en"}, "Too many requests")],
)
def test_the_rate_limit_message_speaks_the_request_language(settings, db, headers, expected):
    settings.ANXIN_WEBHOOK_RATE = "1/m"
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = "s"
    client = Client(REMOTE_ADDR="203.0.113.9")

    first, refused = _social(client, **headers), _social(client, **headers)

    assert first.status_code == 403  # unsigned: the limit is counted before the signature check
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert refused.json()["detail"].startswith(expected)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({}, "请求正文不是有效的 JSON"), ({"HTTP_ACCEPT_LANGUAGE": "en"}, "Request body is not valid JSON")],
)
def test_broken_json_is_a_400_in_the_request_language(agent_client, order, headers, expected):
    response = agent_client.post(
        f"/api/v1/orders/{order.number}/transitions", data="{", content_type="application/json", **headers
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_json", "detail": expected, "field": None}
