"""Staff review of fake-channel reports: grouped by number, scoped by brand, verdicts recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from anxin.trust.choices import SuspectStatus
from anxin.trust.models import FakeChannelReport, SuspectChannel, SuspectChannelEvent
from anxin.trust.services import ReportInput, report_submit
from anxin.trust.tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def _report(value: str, *, kind: str = "phone", brand_code: str = "", **extra: Any) -> FakeChannelReport:
    return report_submit(
        data=ReportInput(kind=kind, value=value, where_seen="search", brand_code=brand_code, **extra)
    )


def test_reports_of_one_number_in_any_spelling_are_one_row_with_a_count(brand):
    first = _report("400-600-1234", brand_code=brand.code)
    _report("+86 4006001234")
    _report("400 600 1234")
    _report("400-600-9999")

    suspect = SuspectChannel.objects.get(pk=first.suspect_id)
    assert suspect.report_count == 3 and suspect.reports.count() == 3
    assert suspect.first_reported_at <= suspect.last_reported_at
    assert SuspectChannel.objects.count() == 2


def test_a_lookalike_address_is_attributed_to_the_brand_it_imitates(brand):
    from anxin.trust.models import OfficialChannel
    from anxin.trust.services import official_channel_save

    official_channel_save(channel=OfficialChannel(brand=brand, kind="web", value="lechuang.com"))

    report = _report("http://www.lechuang-weixiu.cn/", kind="web")

    assert report.suspect.brand == brand and report.suspect.value == "lechuang-weixiu.cn"


def test_the_review_page_lists_groups_with_counts_for_an_admin(client, admin_user, brand, other_brand):
    _report("400-600-1234", brand_code=brand.code)
    _report("4006001234")
    _report("400-700-0000", brand_code=other_brand.code)
    client.force_login(admin_user)

    response = client.get(reverse("trust:reports"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-suspect="') == 2
    assert 'data-count="2"' in html and "4006001234" in html and "4007000000" in html


def test_brand_staff_see_only_their_brands_reports(client, brand_staff, brand, other_brand):
    _report("400-600-1234", brand_code=brand.code)
    _report("400-700-0000", brand_code=other_brand.code)
    _report("400-800-0000")  # unattributed: the platform's
    client.force_login(brand_staff)

    html = client.get(reverse("trust:reports")).content.decode()

    assert "4006001234" in html and "4007000000" not in html and "4008000000" not in html


@pytest.mark.parametrize("who", ["agent", "dispatcher", "technician", "customer_user"])
def test_other_roles_may_not_open_the_review_page(client, who, request):
    from anxin.accounts.models import User

    user = (
        User.objects.create_user(username="c1", role="customer")
        if who == "customer_user"
        else request.getfixturevalue(who)
    )
    user = getattr(user, "user", user)
    client.force_login(user)

    assert client.get(reverse("trust:reports")).status_code == 403


def test_a_verdict_is_saved_with_an_event_row(client, brand_staff, brand):
    report = _report("400-600-1234", brand_code=brand.code)
    client.force_login(brand_staff)

    response = client.post(reverse("trust:report_review", args=[report.suspect_id]), {"status": "confirmed"})

    assert response.status_code == 302
    assert SuspectChannel.objects.get().status == SuspectStatus.CONFIRMED
    event = SuspectChannelEvent.objects.get()
    assert (event.from_status, event.to_status, event.actor) == ("new", "confirmed", brand_staff)
    assert (
        client.post(
            reverse("trust:report_review", args=[report.suspect_id]), {"status": "nonsense"}
        ).status_code
        == 422
    )


def test_another_brands_staff_cannot_review_or_see_the_screenshot(client, brand, other_brand):
    from anxin.accounts.models import User

    report = _report("400-600-1234", brand_code=brand.code, screenshot=png_bytes())
    stranger = User.objects.create_user(username="other", role="brand_staff")
    stranger.brands.add(other_brand)
    client.force_login(stranger)

    assert (
        client.post(
            reverse("trust:report_review", args=[report.suspect_id]), {"status": "dismissed"}
        ).status_code
        == 404
    )
    assert client.get(reverse("trust:report_screenshot", args=[report.pk])).status_code == 404


def test_the_screenshot_is_shown_to_reviewing_staff_only(client, admin_user, brand):
    report = _report("400-600-1234", brand_code=brand.code, screenshot=png_bytes())
    url = reverse("trust:report_screenshot", args=[report.pk])

    assert client.get(url).status_code == 302  # a visitor is sent to sign in
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] in ("image/png", "image/jpeg")


def test_the_review_page_costs_the_same_queries_for_many_groups(
    client, admin_user, brand, django_assert_max_num_queries
):
    for i in range(12):
        _report(f"400-600-{1000 + i}", brand_code=brand.code, note="转账", contact="13912345678")
        _report(f"400-600-{1000 + i}")
    client.force_login(admin_user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("trust:reports"))

    assert response.content.decode().count('data-suspect="') == 12


def test_our_own_numbers_cannot_be_reported_as_fake(brand, service_point, settings):
    from anxin.core.exceptions import ValidationFailed
    from anxin.network.models import ServicePoint

    ServicePoint.objects.filter(pk=service_point.pk).update(phone="010-6500 1234")
    for ours in (settings.ANXIN_HOTLINE, brand.hotline, "+86 10 6500 1234"):
        with pytest.raises(ValidationFailed) as refused:
            _report(ours)
        assert refused.value.code == "official_channel"
