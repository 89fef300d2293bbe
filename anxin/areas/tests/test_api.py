"""/api/v1/areas: batch resolve, divisions, coverage lookup and import."""

from __future__ import annotations

import json

import pytest

from anxin.areas.models import CoverageArea
from anxin.areas.tests.factories import make_point

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


def test_lookup_lists_covering_points_for_a_covered_address(api_client, token_for, agent, brand, category):
    point = make_point(
        "达州网点", covers=["511700"], brands=[brand], categories=[category], lat=31.2, lng=107.5
    )
    client = api_client(token_for(agent))

    body = client.get(
        "/api/v1/areas/coverage/lookup",
        {"address": "达州市通川区朝阳东路1号", "brand": brand.pk, "category": category.pk},
    ).json()

    assert body["outcome"] == "covered"
    assert [p["id"] for p in body["service_points"]] == [point.pk]
    assert body["resolution"]["rest"] == "朝阳东路1号"


def test_lookup_flags_out_of_coverage_with_the_nearest_points(api_client, token_for, agent, brand):
    make_point("成都网点", covers=["510100"], brands=[brand], lat=30.66, lng=104.06)
    client = api_client(token_for(agent))

    body = client.get("/api/v1/areas/coverage/lookup", {"address": "达州市通川区", "brand": brand.pk}).json()

    assert body["outcome"] == "out_of_coverage"
    assert body["service_points"] == []
    assert body["nearest"][0]["service_point"]["name"] == "成都网点"
    assert 300 < body["nearest"][0]["distance_km"] < 400


def test_lookup_flags_an_unresolvable_address_for_the_agent(api_client, token_for, agent):
    body = api_client(token_for(agent)).get("/api/v1/areas/coverage/lookup", {"address": "朝阳区"}).json()

    assert body["outcome"] == "unresolved"
    assert body["resolution"]["status"] == "ambiguous"


def test_lookup_refuses_an_outsider(api_client, token_for, outsider):
    response = api_client(token_for(outsider)).get(
        "/api/v1/areas/coverage/lookup", {"address": "达州市通川区"}
    )

    assert response.status_code == 403


def test_import_previews_without_saving_then_saves_on_confirm(
    api_client, token_for, dispatcher, service_point
):
    client = api_client(token_for(dispatcher))
    url = f"/api/v1/areas/service-points/{service_point.pk}/coverage/import"

    preview = post(client, url, {"text": "达州市通川区、朝阳区"}).json()
    assert preview["saved"] is False
    assert [(line["code"], line["problem"] == "") for line in preview["lines"]] == [
        ("511702", True),
        ("", False),
    ]
    assert not CoverageArea.objects.exists()

    saved = post(client, url, {"text": "达州市通川区、朝阳区", "confirm": True}).json()

    assert (saved["saved"], saved["created"], [line["text"] for line in saved["lines"]]) == (
        True,
        1,
        ["朝阳区"],
    )
    listed = client.get(f"/api/v1/areas/service-points/{service_point.pk}/coverage").json()
    assert [(c["division_code"], c["exclude"]) for c in listed] == [("511702", False)]


def test_import_refuses_an_agent_and_an_outsider(api_client, token_for, agent, outsider, service_point):
    url = f"/api/v1/areas/service-points/{service_point.pk}/coverage/import"

    for user in (agent, outsider):
        response = post(api_client(token_for(user)), url, {"text": "达州市", "confirm": True})
        assert response.status_code == 403
    assert not CoverageArea.objects.exists()


def test_import_answers_404_for_an_unknown_point(api_client, token_for, dispatcher):
    response = post(
        api_client(token_for(dispatcher)), "/api/v1/areas/service-points/999/coverage/import", {"text": "x"}
    )

    assert response.status_code == 404
