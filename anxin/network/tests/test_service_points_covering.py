"""service_points_covering / service_points_nearest: who covers a place, best first, and who is closest."""

from __future__ import annotations

import pytest

from anxin.network.selectors import service_points_covering, service_points_nearest
from anxin.network.tests.factories import make_point

pytestmark = pytest.mark.django_db

DAZHOU, TONGCHUAN, DACHUAN = "511700", "511702", "511703"
LUOJIANG = "511702102"  # 通川区罗江镇
DONGGUAN, HUMEN = "441900", "441900121"


def test_a_prefecture_entry_covers_every_county_and_township_in_it(brand, category):
    point = make_point("达州网点", covers=[DAZHOU], brands=[brand], categories=[category])

    assert service_points_covering(county_code=TONGCHUAN, brand=brand, category=category) == [point]
    assert service_points_covering(county_code=TONGCHUAN, township_code=LUOJIANG, brand=brand) == [point]
    assert service_points_covering(county_code="110105", brand=brand) == []


def test_an_excluded_county_is_not_covered_but_a_township_listed_inside_it_is():
    point = make_point("达州网点", covers=[DAZHOU, LUOJIANG], excludes=[TONGCHUAN])

    assert service_points_covering(county_code=DACHUAN) == [point]
    assert service_points_covering(county_code=TONGCHUAN) == []
    assert service_points_covering(county_code=TONGCHUAN, township_code="511702001") == []
    assert service_points_covering(county_code=TONGCHUAN, township_code=LUOJIANG) == [point]


def test_points_are_filtered_by_the_brand_and_category_they_list(brand, other_brand, category):
    serves = make_point("乐创网点", covers=[DAZHOU], brands=[brand], categories=[category])
    make_point("其他品牌网点", covers=[DAZHOU], brands=[other_brand], categories=[category])
    make_point("未设置品类网点", covers=[DAZHOU], brands=[brand])

    assert service_points_covering(county_code=TONGCHUAN, brand=brand, category=category) == [serves]
    assert len(service_points_covering(county_code=TONGCHUAN)) == 3


def test_inactive_points_cover_nothing():
    make_point("停用网点", covers=[DAZHOU], is_active=False)

    assert service_points_covering(county_code=TONGCHUAN) == []


def test_the_most_specific_coverage_comes_first_then_the_nearest():
    province_wide = make_point("四川全省网点", covers=["510000"], lat=30.66, lng=104.06)
    far = make_point("达州远网点", covers=[DAZHOU], lat=31.6, lng=107.9)
    near = make_point("达州近网点", covers=[DAZHOU], lat=31.22, lng=107.5)
    township = make_point("罗江镇网点", covers=[LUOJIANG])

    ranked = service_points_covering(county_code=TONGCHUAN, township_code=LUOJIANG)

    assert ranked == [township, near, far, province_wide]


def test_towns_of_cities_without_counties_are_covered_by_the_city_or_the_town():
    city = make_point("东莞全市网点", covers=[DONGGUAN])
    town = make_point("虎门网点", covers=[HUMEN])

    assert service_points_covering(county_code=DONGGUAN, township_code=HUMEN) == [town, city]
    assert service_points_covering(county_code=DONGGUAN, township_code="441900122") == [city]


def test_old_county_codes_are_read_as_the_current_division():
    point = make_point("三明网点", covers=["350405"])

    assert service_points_covering(county_code="350427") == [point]  # 沙县 → 沙县区


def test_covering_takes_one_query(django_assert_num_queries):
    for i in range(5):
        make_point(f"网点{i}", covers=[DAZHOU, LUOJIANG], excludes=[DACHUAN])

    with django_assert_num_queries(1):
        assert len(service_points_covering(county_code=TONGCHUAN, township_code=LUOJIANG)) == 5


def test_nearest_lists_points_by_straight_line_distance_with_km(brand):
    chengdu = make_point("成都网点", lat=30.66, lng=104.06, brands=[brand])
    dazhou = make_point("达州网点", lat=31.21, lng=107.47, brands=[brand])
    by_county = make_point("万州网点", county_code="500101", brands=[brand])  # location from its county
    make_point("无位置网点", brands=[brand])

    nearest = service_points_nearest(county_code=TONGCHUAN, brand=brand, limit=3)

    assert [p for p, _ in nearest] == [dazhou, by_county, chengdu]
    km = [d for _, d in nearest]
    assert km[0] < 5 and 80 < km[1] < 120 and 300 < km[2] < 400  # 万州 ≈ 97 km, 成都 ≈ 345 km


def test_nearest_takes_one_query(django_assert_num_queries):
    for i in range(5):
        make_point(f"网点{i}", lat=31 + i / 10, lng=107.0)

    with django_assert_num_queries(1):
        assert len(service_points_nearest(county_code=TONGCHUAN, limit=3)) == 3


def test_unknown_codes_give_empty_lists():
    make_point("达州网点", covers=[DAZHOU], lat=31.2, lng=107.5)

    assert service_points_covering(county_code="999999") == []
    assert service_points_nearest(county_code="999999") == []
