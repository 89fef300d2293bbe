"""The API token look-up is cached per process for TOKEN_CACHE_SECONDS (one statement less per call)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anxin.accounts import auth
from anxin.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _get(client):
    return client.get("/api/v1/orders")


def test_a_second_call_within_the_cache_window_does_not_look_the_token_up_again(agent, api_client, token_for):
    client = api_client(token_for(agent))
    assert _get(client).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert _get(client).status_code == 200
    assert not any("accounts_apitoken" in q["sql"] for q in ctx.captured_queries)


def test_a_revoked_token_is_refused_once_its_cache_entry_is_older_than_the_window(
    agent, api_client, token_for, monkeypatch
):
    client = api_client(token_for(agent))
    assert _get(client).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert _get(client).status_code == 200  # still cached: the documented delay
    clock = auth.time.monotonic() + auth.TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock)
    assert _get(client).status_code == 401


def test_each_request_gets_its_own_user_instance(agent, api_client, token_for):
    client = api_client(token_for(agent))
    first = _get(client).wsgi_request.user
    second = _get(client).wsgi_request.user
    assert first.pk == second.pk and first is not second
