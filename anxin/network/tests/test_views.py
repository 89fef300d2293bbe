"""Pages: coverage import (preview, then confirm), lookup, coverage map."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.network.models import CoverageArea
from anxin.network.tests.factories import make_point

pytestmark = pytest.mark.django_db

PASTED = "达州市通川区、东莞市虎门镇\n朝阳区、万元以上"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_dispatcher_previews_a_pasted_list_and_sees_what_did_not_resolve(dispatcher, service_point):
    client = signed_in(dispatcher)
    url = f"/areas/service-points/{service_point.pk}/coverage/"

    response = client.post(url, {"text": PASTED, "action": "preview"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "四川省/达州市/通川区" in page and "广东省/东莞市/虎门镇" in page
    assert "有歧义" in page and "无法识别为行政区划" in page
    assert '<textarea name="text" hidden>达州市通川区、东莞市虎门镇\n朝阳区、万元以上</textarea>' in page
    assert not CoverageArea.objects.exists()


def test_the_preview_is_a_fragment_for_htmx(dispatcher, service_point):
    response = signed_in(dispatcher).post(
        f"/areas/service-points/{service_point.pk}/coverage/",
        {"text": PASTED, "action": "preview"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="preview">')
    assert "<html" not in page


def test_confirming_saves_the_resolved_items_and_reports_the_rest(dispatcher, service_point):
    client = signed_in(dispatcher)
    url = f"/areas/service-points/{service_point.pk}/coverage/"

    response = client.post(url, {"text": PASTED, "action": "confirm"}, follow=True)

    page = response.content.decode()
    assert sorted(CoverageArea.objects.values_list("division_code", flat=True)) == ["441900121", "511702"]
    assert "已保存 2 条新范围" in page
    assert "未保存「朝阳区」" in page and "未保存「万元以上」" in page


def test_a_dispatcher_removes_a_coverage_entry(dispatcher, service_point):
    point = make_point("达州网点", covers=["511700"])
    entry = CoverageArea.objects.get(service_point=point)

    signed_in(dispatcher).post(f"/areas/service-points/{point.pk}/coverage/{entry.pk}/delete/")

    assert not CoverageArea.objects.exists()


def test_the_service_point_list_shows_points_and_their_coverage_counts(
    admin_user, django_assert_max_num_queries
):
    for i in range(5):
        make_point(f"达州网点{i}", covers=["511700", "511702102"])
    client = signed_in(admin_user)

    with django_assert_max_num_queries(4):  # session, user, points with counts
        page = client.get("/areas/service-points/").content.decode()

    assert "达州网点4" in page
    assert "<td>2</td>" in page


@pytest.mark.parametrize("role", ["agent", "brand_staff", "outsider"])
def test_the_import_page_refuses_other_roles(request, role, service_point):
    client = signed_in(request.getfixturevalue(role))

    response = client.post(
        f"/areas/service-points/{service_point.pk}/coverage/", {"text": "达州市", "action": "confirm"}
    )

    assert response.status_code == 403
    assert not CoverageArea.objects.exists()


def test_pages_send_anonymous_visitors_to_sign_in(service_point):
    for url in ("/areas/service-points/", "/areas/lookup/", "/areas/coverage/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_lookup_shows_the_covering_point_for_an_address_in_a_covered_township(agent, brand, category):
    make_point("东莞全市网点", covers=["441900"], brands=[brand], categories=[category], lat=23.0, lng=113.7)
    make_point("虎门网点", covers=["441900121"], brands=[brand], categories=[category], lat=22.8, lng=113.7)

    response = signed_in(agent).get(
        "/areas/lookup/", {"address": "东莞市虎门镇连升中路1号", "brand": brand.pk, "category": category.pk}
    )

    page = response.content.decode()
    assert "在服务范围内" in page
    assert page.index("虎门网点") < page.index("东莞全市网点")


def test_lookup_flags_an_uncovered_township_with_the_nearest_points(agent, brand):
    make_point("虎门网点", covers=["441900121"], brands=[brand], lat=22.82, lng=113.67)

    response = signed_in(agent).get("/areas/lookup/", {"address": "东莞市长安镇", "brand": brand.pk})

    page = response.content.decode()
    assert "超出服务范围" in page
    assert "虎门网点" in page and "公里" in page


def test_lookup_asks_the_agent_to_check_an_unresolvable_address(agent):
    page = signed_in(agent).get("/areas/lookup/", {"address": "万元以上"}).content.decode()

    assert "地址无法识别到区县" in page


def test_the_coverage_map_counts_counties_per_province_and_prefecture_for_a_brand(
    dispatcher, brand, other_brand
):
    make_point("达州网点", covers=["511700"], excludes=["511702"], brands=[brand])
    make_point("罗江镇网点", covers=["511702102"], brands=[brand])
    make_point("其他品牌", covers=["510000"], brands=[other_brand])

    response = signed_in(dispatcher).get("/areas/coverage/", {"brand": brand.pk})

    summary = response.context["summary"]
    dazhou = next(p for p in summary.prefectures["510000"] if p.code == "511700")
    assert (dazhou.counties, dazhou.covered, dazhou.partial) == (7, 6, 1)
    sichuan = next(p for p in summary.provinces if p.code == "510000")
    assert (sichuan.covered, sichuan.partial) == (6, 1)
    assert summary.county_status["511702"] == "partial" and summary.county_status["511703"] == "covered"
    country = response.context["area"].spec.outlines[0]
    assert country.url == "/static/geo/china.json" and len(country.shading) == 31
    assert country.shading["510000"] == "share-1" and country.shading["440000"] == "share-0"
    assert 'id="coverage-map-data"' in response.content.decode()

    dazhou_map = signed_in(dispatcher).get("/areas/coverage/", {"brand": brand.pk, "area": "511700"})
    counties = dazhou_map.context["area"].spec.outlines[0]
    assert counties.url == "/static/geo/c/511700.json"
    assert counties.shading["511702"] == "partial" and counties.shading["511703"] == "covered"
    assert counties.titles["511703"] == "达川区 · 全部覆盖" and not counties.links


def test_the_coverage_map_folds_prefectures_into_provinces_and_opens_a_province_on_the_map(dispatcher, brand):
    make_point("达州网点", covers=["511700"], excludes=["511702"], brands=[brand])
    make_point("罗江镇网点", covers=["511702102"], brands=[brand])

    response = signed_in(dispatcher).get("/areas/coverage/", {"brand": brand.pk, "area": "510000"})

    page = response.content.decode()
    provinces = response.context["summary"].provinces
    assert page.count('<details class="province"') == len(provinces) > 30
    assert '<details class="province" data-code="510000">' in page
    assert "<summary" in page and 'class="prefecture"><td>达州市</td>' in page
    area = response.context["area"]
    assert area.crumbs == [("", "全国"), ("510000", "四川省")]
    sichuan = area.spec.outlines[0]
    assert sichuan.url == "/static/geo/p/510000.json"
    assert sichuan.shading["511700"] == "share-4" and sichuan.shading["510100"] == "share-0"
    assert sichuan.links["511700"] == f"?area=511700&brand={brand.pk}"
    assert sichuan.titles["511700"] == "达州市 · 7 个县级区划，全部覆盖 6，部分覆盖 1"


@pytest.mark.parametrize("area", ["999999", "511702", "abc"])
def test_the_coverage_map_refuses_an_area_that_is_not_a_province_or_prefecture(dispatcher, area):
    response = signed_in(dispatcher).get("/areas/coverage/", {"area": area})

    assert response.status_code == 400 and "area" in response.content.decode()


def test_the_coverage_map_takes_a_fixed_number_of_queries(dispatcher, brand, django_assert_max_num_queries):
    for i in range(10):
        make_point(f"网点{i}", covers=["511700", "440000"], brands=[brand])
    client = signed_in(dispatcher)

    with django_assert_max_num_queries(8):
        client.get("/areas/coverage/", {"brand": brand.pk})


def test_brand_staff_see_only_their_brands_on_the_map(brand_staff, other_brand):
    client = signed_in(brand_staff)

    assert client.get("/areas/coverage/").status_code == 200
    response = client.get("/areas/coverage/", {"brand": other_brand.pk})
    assert response.context["brand"] is None  # not offered, so not accepted


def test_the_coverage_map_refuses_an_outsider(outsider):
    assert signed_in(outsider).get("/areas/coverage/").status_code == 403


def test_a_pasted_list_imported_on_the_page_decides_covered_and_uncovered_townships(
    dispatcher, agent, brand, category
):
    point = make_point("东莞虎门网点", brands=[brand], categories=[category], lat=22.82, lng=113.67)
    dispatcher_client = signed_in(dispatcher)
    dispatcher_client.post(
        f"/areas/service-points/{point.pk}/coverage/",
        {"text": "东莞市虎门镇、东莞市长安镇、不含东莞市长安镇", "action": "confirm"},
    )
    assert CoverageArea.objects.filter(service_point=point).count() == 2  # 长安镇 saved once, as an exclusion
    agent_client = signed_in(agent)
    query = {"brand": brand.pk, "category": category.pk}

    covered = agent_client.get("/areas/lookup/", {"address": "广东省东莞市虎门镇连升中路1号", **query})
    uncovered = agent_client.get("/areas/lookup/", {"address": "东莞市长安镇振安路8号", **query})

    assert covered.context["found"].outcome == "covered"
    assert covered.context["found"].points == [point]
    assert uncovered.context["found"].outcome == "out_of_coverage"
    assert [p for p, _ in uncovered.context["found"].nearest] == [point]


def test_the_preview_says_how_a_cut_off_or_historical_line_was_read(dispatcher, service_point):
    client = signed_in(dispatcher)
    url = f"/areas/service-points/{service_point.pk}/coverage/"

    response = client.post(url, {"text": "州市越秀区\n莱芜市钢城区\n达州市通川区", "action": "preview"})

    page = response.content.decode()
    assert "读作：广州市越秀区（前缀截断）" in page
    assert "历史名称：莱芜市钢城区 → 济南市钢城区（2018 年调整）" in page
    assert page.count("读作：") == 1 and page.count("历史名称：") == 1  # the plain line has no note
    assert not CoverageArea.objects.exists()
