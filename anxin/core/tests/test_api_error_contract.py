"""Every failure under /api/v1 answers JSON ``{"error", "detail", "field"}`` with the right 4xx status.

The cases here are the ones that used to escape the contract: Django's HTML 404, ninja's plain-text 405,
a CSRF 403 for a request that carried no credential at all, and a 500 for a huge ``offset``.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"error", "detail", "field"}


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == ERROR_KEYS
    return body


@pytest.fixture
def agent_client(agent, token_for, api_client) -> Client:
    return api_client(token_for(agent))


def test_it_answers_a_wrong_method_with_json_405_and_allow(agent_client):
    response = agent_client.put("/api/v1/orders", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert error_of(response)["error"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_it_answers_a_wrong_method_with_405_even_without_a_token():
    response = Client().delete("/api/v1/orders")

    assert response.status_code == 405
    assert error_of(response)["error"] == "method_not_allowed"


def test_it_answers_an_unknown_api_path_with_json_404(agent_client):
    response = agent_client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert error_of(response) == {
        "error": "not_found",
        "detail": "没有这个接口：/api/v1/no-such-thing",
        "field": None,
    }


def test_it_answers_a_path_below_a_real_endpoint_with_json_404():
    response = Client().get("/api/v1/orders/ABC/not-a-sub-resource")

    assert response.status_code == 404
    assert error_of(response)["error"] == "not_found"


def test_pages_outside_the_api_keep_the_html_404():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_it_answers_a_post_without_a_token_with_401_not_a_csrf_403():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/v1/orders", data="{}", content_type="application/json")

    assert response.status_code == 401
    assert error_of(response)["error"] == "unauthenticated"


def test_it_answers_an_unknown_token_with_401_even_with_a_stale_session_cookie():
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer ax_unknown")
    client.cookies["sessionid"] = "not-a-session"

    response = client.post("/api/v1/orders", data="{}", content_type="application/json")

    assert response.status_code == 401
    assert error_of(response)["error"] == "unauthenticated"


def test_a_signed_in_session_without_csrf_token_still_gets_403(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    response = client.post("/api/v1/orders", data="{}", content_type="application/json")

    assert response.status_code == 403
    assert error_of(response) == {
        "error": "csrf_failed",
        "detail": "CSRF 校验失败：请在 X-CSRFToken 请求头中发送 csrftoken cookie 的值",
        "field": None,
    }


def test_a_signed_in_session_with_its_csrf_token_is_accepted(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    client.get("/orders/")  # any page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value

    response = client.get("/api/v1/orders", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=99999999999999999999", "offset"),
        ("offset=9223372036854775807", "offset"),
        ("offset=100001", "offset"),
        ("limit=99999999999999999999", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_it_refuses_an_out_of_range_page_with_422_naming_the_field(agent_client, query, field):
    response = agent_client.get(f"/api/v1/orders?{query}")

    assert response.status_code == 422
    assert error_of(response)["field"] == field


def test_the_largest_allowed_offset_is_an_empty_page(agent_client):
    response = agent_client.get("/api/v1/orders?offset=100000&limit=200")

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/dispatch/offers/99999999999999999999/accept",
        "/api/v1/sla/alerts/99999999999999999999/acknowledge",
    ],
)
def test_an_id_beyond_the_database_range_is_a_json_404_not_a_500(agent_client, path):
    response = agent_client.post(path, data="{}", content_type="application/json")

    assert response.status_code == 404
    assert error_of(response)["error"] == "not_found"


def test_an_unexpected_error_is_a_json_500_without_internals(agent_client, monkeypatch):
    from anxin.workorders import selectors

    def boom(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "workorder_list_for", boom)
    agent_client.raise_request_exception = False

    response = agent_client.get("/api/v1/orders")

    assert response.status_code == 500
    assert error_of(response) == {
        "error": "server_error",
        "detail": "服务器暂时无法处理此请求",
        "field": None,
    }
