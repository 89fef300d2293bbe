"""Each audience gets its layout and only the navigation entries its role may open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anxin.accounts.choices import Role
from anxin.accounts.models import User


def _labels(response) -> list[str]:
    return [str(entry["label"]) for entry in response.context["nav_entries"]]


def _signed_in(client, role: str, **extra) -> None:
    user = User.objects.create_user(username=f"u-{role}", password="pw", role=role, **extra)
    client.force_login(user)


@pytest.mark.django_db
def test_visitors_get_the_customer_layout_with_the_hotline(client, settings):
    settings.ANXIN_HOTLINE = "400-820-1234"
    response = client.get(reverse("portal:repair"))
    assert response.context["anxin_layout"] == "layouts/customer.html"
    assert _labels(response) == ["首页", "我要报修", "身份核验", "登录"]
    assert 'href="tel:4008201234"' in response.content.decode()


@pytest.mark.django_db
def test_the_staff_sign_in_page_has_the_back_office_layout_and_no_navigation(client):
    response = client.get(reverse("accounts:login"))
    assert response.context["anxin_layout"] == "layouts/staff.html"
    assert response.context["nav_entries"] == []


@pytest.mark.django_db
def test_a_dispatcher_sees_the_board_but_not_the_claims_queue_or_admin(client):
    _signed_in(client, Role.DISPATCHER)
    response = client.get(reverse("workorders:list"))
    assert response.context["anxin_layout"] == "layouts/staff.html"
    assert _labels(response) == ["工单", "坐席受理", "调度看板", "网点覆盖", "覆盖查询", "覆盖地图"]
    html = response.content.decode()
    assert 'id="nav-board"' in html and 'action="/orders/"' in html  # the top bar's order search


@pytest.mark.django_db
def test_brand_staff_see_orders_claims_coverage_lookups_and_fake_channel_reports_only(client):
    _signed_in(client, Role.BRAND_STAFF)
    response = client.get(reverse("workorders:list"))
    assert _labels(response) == ["工单", "售后申请审核", "覆盖查询", "覆盖地图", "假冒举报"]


@pytest.mark.django_db
def test_a_superuser_sees_every_staff_entry(client):
    _signed_in(client, Role.CUSTOMER, is_superuser=True, is_staff=True)
    response = client.get(reverse("workorders:list"))
    assert _labels(response)[-1] == "后台" and len(_labels(response)) == 9


@pytest.mark.django_db
def test_a_technician_gets_the_phone_app_with_four_tabs(client, technician):
    client.force_login(technician.user)
    response = client.get(reverse("dispatch:me"))
    assert response.context["anxin_layout"] == "layouts/technician.html"
    entries = response.context["nav_entries"]
    assert [str(e["label"]) for e in entries] == ["任务", "路线", "我的", "工牌"]
    assert [e["active"] for e in entries] == [True, False, False, False]
