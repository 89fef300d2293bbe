"""/api/v1/areas/coverage and /api/v1/areas/service-points: coverage lookup and import."""

from __future__ import annotations

import json

import pytest

from anxin.network.models import CoverageArea
from anxin.network.tests.factories import make_point

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


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
