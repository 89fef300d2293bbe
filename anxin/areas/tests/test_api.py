"""/api/v1/areas: batch resolve and divisions."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_resolve_answers_a_batch_in_order(api_client, token_for, agent):
    client = api_client(token_for(agent))

    response = post(
        client, "/api/v1/areas/resolve", {"texts": ["北京市朝阳区建国路88号", "朝阳区", "万元以上"]}
    )

    assert response.status_code == 200
    ok, ambiguous, none = response.json()["results"]
    assert ok == {
        "input": "北京市朝阳区建国路88号", "status": "ok", "province_code": "110000", "prefecture_code": "",
        "county_code": "110105", "township_code": "", "name_path": "北京市/朝阳区", "rest": "建国路88号",
        "candidates": [], "truncated": False, "historical_year": 0,
    }  # fmt: skip
    assert ambiguous["status"] == "ambiguous"
    assert {c["code"] for c in ambiguous["candidates"]} == {"110105", "220104"}
    assert (none["status"], none["county_code"]) == ("none", "")


def test_resolve_says_when_a_start_was_cut_off_or_a_name_is_historical(api_client, token_for, agent):
    client = api_client(token_for(agent))

    response = post(client, "/api/v1/areas/resolve", {"texts": ["州市越秀区", "莱芜市钢城区"]})

    cut, old = response.json()["results"]
    assert (cut["county_code"], cut["truncated"], cut["historical_year"]) == ("440104", True, 0)
    assert (old["county_code"], old["truncated"], old["historical_year"]) == ("370117", False, 2018)


def test_resolve_needs_a_token_or_session(api_client):
    response = post(api_client(), "/api/v1/areas/resolve", {"texts": ["北京市"]})

    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_resolve_refuses_empty_and_oversized_batches(api_client, token_for, agent):
    client = api_client(token_for(agent))

    assert post(client, "/api/v1/areas/resolve", {"texts": []}).status_code == 422
    assert post(client, "/api/v1/areas/resolve", {"texts": ["北京"] * 1001}).status_code == 422
    assert post(client, "/api/v1/areas/resolve", {"text": "北京"}).json()["field"] in {"text", "texts"}


def test_division_detail_lists_children_and_follows_old_codes(api_client, token_for, agent):
    client = api_client(token_for(agent))

    body = client.get("/api/v1/areas/divisions/350427").json()

    assert (body["code"], body["name_path"]) == ("350405", "福建省/三明市/沙县区")
    assert body["children"] and all(c["level"] == 4 for c in body["children"])
    assert client.get("/api/v1/areas/divisions/999999").status_code == 404
