"""Incoming request budgets: per client address (behind a trusted proxy too), per phone, per token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from anxin.core.exceptions import RateLimited
from anxin.core.ratelimit import client_ip, ratelimit_hit
from anxin.intake.tests.factories import signed_post
from anxin.workorders.models import WorkOrder


def _request(remote: str, forwarded: str | None = None):
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# -- client address ---------------------------------------------------------------------------


def test_the_forwarded_header_is_ignored_unless_configured(settings):
    settings.ANXIN_TRUSTED_PROXY_HEADER = ""
    assert client_ip(_request("203.0.113.9", forwarded="1.2.3.4")) == "203.0.113.9"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(settings):
    settings.ANXIN_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.ANXIN_TRUSTED_PROXIES = ""
    settings.ANXIN_TRUSTED_PROXY_HOPS = 1
    # The client sent "6.6.6.6" itself; the load balancer appended the real peer 198.51.100.7.
    assert client_ip(_request("10.0.0.2", forwarded="6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"


def test_with_trusted_networks_proxies_are_skipped_from_the_right(settings):
    settings.ANXIN_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.ANXIN_TRUSTED_PROXIES = "10.0.0.0/8, 192.168.1.1"
    request = _request("10.0.0.2", forwarded="6.6.6.6, 198.51.100.7, 192.168.1.1")
    assert client_ip(request) == "198.51.100.7"


def test_a_request_not_from_a_trusted_proxy_cannot_pick_its_address(settings):
    settings.ANXIN_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.ANXIN_TRUSTED_PROXIES = "10.0.0.0/8"
    assert client_ip(_request("203.0.113.9", forwarded="1.2.3.4")) == "203.0.113.9"


def test_garbage_in_the_header_never_becomes_the_address(settings):
    settings.ANXIN_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.ANXIN_TRUSTED_PROXIES = "10.0.0.0/8"
    assert client_ip(_request("10.0.0.2", forwarded="not-an-ip")) == "10.0.0.2"


# -- the limiter ------------------------------------------------------------------------------


def test_every_window_of_a_rate_is_enforced(db, monkeypatch):
    now = [1_700_000_000.0]
    monkeypatch.setattr("anxin.core.ratelimit.time.time", lambda: now[0])
    for _ in range(3):
        ratelimit_hit(scope="t", key="k", rate="3/m,4/h")
        now[0] += 1
    with pytest.raises(RateLimited):
        ratelimit_hit(scope="t", key="k", rate="3/m,4/h")
    now[0] += 120  # a new minute, same hour: the hourly budget has one left
    ratelimit_hit(scope="t", key="k", rate="3/m,4/h")
    with pytest.raises(RateLimited) as caught:
        ratelimit_hit(scope="t", key="k", rate="3/m,4/h")
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 3600


def test_cache_keys_hold_no_phone_number(db):
    ratelimit_hit(scope="repair-form-phone", key="13800138000", rate="5/m")
    # LocMemCache in tests; its stubs leave out the private store read here.
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert keys and not any("13800138000" in k for k in keys)


# -- pages and endpoints ----------------------------------------------------------------------


def test_the_public_form_counts_each_client_behind_the_load_balancer(settings, brand):
    settings.ANXIN_PUBLIC_FORM_RATE = "2/m"
    settings.ANXIN_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.ANXIN_TRUSTED_PROXIES = "10.0.0.0/8"

    def post(client_addr: str, i: int) -> int:
        lb = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"9.9.9.{i}, {client_addr}")
        return lb.post("/repair/", {"phone": f"1380013{i:04d}"}).status_code

    assert [post("198.51.100.1", i) for i in range(3)] == [302, 302, 429]
    assert post("198.51.100.2", 9) == 302  # another customer behind the same balancer


def test_the_public_form_limits_requests_per_phone_across_addresses(settings, brand):
    settings.ANXIN_PHONE_REQUEST_RATE = "2/h"
    codes = [
        Client(REMOTE_ADDR=f"198.51.100.{i}").post("/repair/", {"phone": "13800138000"}) for i in range(3)
    ]
    assert [r.status_code for r in codes] == [302, 302, 429]
    assert int(codes[2]["Retry-After"]) > 0
    assert "请求过于频繁" in codes[2].content.decode()


@pytest.fixture
def order_body():
    return {"phone": "13800138000", "brand": "乐创", "category": "消毒柜", "description": "不加热"}


def test_api_orders_are_limited_per_token_with_the_error_shape(
    settings, agent, dispatcher, api_client, token_for, brand, category, order_body
):
    settings.ANXIN_API_ORDER_RATE = "2/m"
    first, second = api_client(token_for(agent)), api_client(token_for(dispatcher))

    def post(client, i):
        body = {**order_body, "phone": f"1390000{i:04d}"}
        return client.post("/api/v1/orders", data=json.dumps(body), content_type="application/json")

    statuses = [post(first, i).status_code for i in range(2)]
    refused = post(first, 3)
    assert statuses == [201, 201] and refused.status_code == 429
    assert refused.json() == {"error": "rate_limited", "detail": refused.json()["detail"], "field": None}
    assert int(refused["Retry-After"]) > 0
    assert post(second, 4).status_code == 201  # another token has its own budget
    assert WorkOrder.objects.count() == 3


def test_webhooks_are_limited_per_address_before_the_signature_is_checked(settings, brand):
    settings.ANXIN_WEBHOOK_RATE = "2/m"
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = "s"
    client = Client(REMOTE_ADDR="203.0.113.5")
    statuses = [
        client.post("/api/v1/intake/social", data=b"{}", content_type="application/json").status_code
        for _ in range(3)
    ]
    assert statuses == [403, 403, 429]


def test_a_webhook_without_a_configured_secret_refuses_everything(settings, brand):
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = ""
    body = json.dumps({"platform": "wechat", "message_id": "m1", "text": "热水器坏了 13800138000"}).encode()
    response = signed_post(Client(), "/api/v1/intake/social", body, "")
    assert response.status_code == 403 and response.json()["error"] == "webhook_disabled"
    assert not WorkOrder.objects.exists()
