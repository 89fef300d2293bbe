"""The staff order list: filters, whitelisted sorting, pages of 50 that keep the filters, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from anxin.core import listing
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file

LIST = reverse("workorders:list")
EXPORT = reverse("workorders:export")


def _numbers(response) -> list[str]:
    return [order.number for order in response.context["orders"]]


@pytest.fixture
def orders(brand, other_brand, category, dispatcher):
    """Three orders: one of the other brand, one confirmed (waiting for a technician), one flagged."""
    other = order_file(phone="13900139000", brand=other_brand.name)
    confirmed = order_file(phone="13800138001")
    workorder_transition(order=confirmed, event=Event.ACCEPT, actor=dispatcher)
    flagged = order_file(phone="13800138002")
    WorkOrder.objects.update(attention=[])  # no coverage in these tests would flag every order
    WorkOrder.objects.filter(pk=flagged.pk).update(attention=["out_of_coverage"])
    return {"other": other, "confirmed": confirmed, "flagged": flagged}


def test_each_filter_narrows_the_list(client, dispatcher, orders, brand, other_brand):
    client.force_login(dispatcher)

    waiting = client.get(LIST, {"status": "waiting"})
    by_brand = client.get(LIST, {"brand": other_brand.code})
    flagged = client.get(LIST, {"attention": "on"})
    received = client.get(LIST, {"status": Status.RECEIVED})

    assert _numbers(waiting) == [orders["confirmed"].number]
    assert _numbers(by_brand) == [orders["other"].number]
    assert _numbers(flagged) == [orders["flagged"].number]
    assert set(_numbers(received)) == {orders["other"].number, orders["flagged"].number}


def test_the_created_date_range_covers_whole_local_days(client, dispatcher, orders):
    old = orders["other"]
    WorkOrder.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate().isoformat()
    client.force_login(dispatcher)

    recent = client.get(LIST, {"created_from": today, "created_to": today})
    earlier = client.get(LIST, {"created_to": (timezone.localdate() - dt.timedelta(days=5)).isoformat()})

    assert old.number not in _numbers(recent) and len(_numbers(recent)) == 2
    assert _numbers(earlier) == [old.number]


def test_sorting_by_number_both_ways_and_newest_first_by_default(client, dispatcher, orders):
    client.force_login(dispatcher)
    expected = sorted(o.number for o in orders.values())

    ascending = client.get(LIST, {"sort": "number"})
    descending = client.get(LIST, {"sort": "-number"})
    default = client.get(LIST)

    assert _numbers(ascending) == expected
    assert _numbers(descending) == expected[::-1]
    assert _numbers(default) == [orders["flagged"].number, orders["confirmed"].number, orders["other"].number]


def test_sorting_by_sla_due_puts_the_tightest_first_and_orders_without_a_clock_last(
    client, dispatcher, orders
):
    from anxin.sla.models import SlaClock

    now = timezone.now()
    for order, minutes in ((orders["other"], 90), (orders["flagged"], 15)):
        SlaClock.objects.create(
            order=order,
            kind="on_site",
            target_minutes=120,
            started_at=now,
            due_at=now + dt.timedelta(minutes=minutes),
        )
    client.force_login(dispatcher)

    response = client.get(LIST, {"sort": "sla_due"})

    assert _numbers(response)[:2] == [orders["flagged"].number, orders["other"].number]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "customer__phone"}, "sort"),
        ({"status": "nonsense"}, "status"),
        ({"brand": "no-such-brand"}, "brand"),
        ({"created_from": "2026-13-40"}, "created_from"),
        ({"created_from": "2026-12-03", "created_to": "2026-12-01"}, "created_to"),
        ({"page": "x"}, "page"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(client, dispatcher, params, field):
    client.force_login(dispatcher)

    page = client.get(LIST, params)
    export = client.get(EXPORT, params)

    assert page.status_code == 400 and field in page.content.decode()
    assert export.status_code == 400


def test_brand_staff_cannot_filter_by_another_brand(client, brand_staff, orders, other_brand):
    client.force_login(brand_staff)

    response = client.get(LIST, {"brand": other_brand.code})

    assert response.status_code == 400 and "brand" in response.content.decode()


def test_pages_keep_the_filters_in_their_links(client, dispatcher, orders, monkeypatch):
    assert listing.PAGE_SIZE == 50
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)  # three orders, two pages
    client.force_login(dispatcher)

    first = client.get(LIST, {"status": "", "sort": "number"})
    second = client.get(LIST, {"status": "", "sort": "number", "page": "2"})
    past_the_end = client.get(LIST, {"status": "", "sort": "number", "page": "9"})

    assert len(_numbers(first)) == 2 and len(_numbers(second)) == 1
    assert "?status=&amp;sort=number&amp;page=2" in first.content.decode()
    assert _numbers(past_the_end) == _numbers(second)


def test_an_empty_result_shows_the_empty_state_with_a_way_out(client, dispatcher, orders):
    client.force_login(dispatcher)

    html = client.get(LIST, {"q": "NO-SUCH-ORDER"}).content.decode()

    assert 'class="empty-state"' in html and f'href="{LIST}"' in html
    assert 'id="rows"' not in html


def test_htmx_gets_only_the_results(client, dispatcher, orders):
    client.force_login(dispatcher)

    html = client.get(LIST, {"status": "waiting"}, HTTP_HX_REQUEST="true").content.decode()

    assert html.lstrip().startswith('<div id="results">') and orders["confirmed"].number in html
    assert "key-figures" not in html


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads Chinese correctly only with the byte-order mark
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_export_has_the_filtered_rows_with_personal_data_masked(client, dispatcher, orders):
    client.force_login(dispatcher)

    response = client.get(EXPORT, {"status": "", "sort": "number"})

    rows = _csv(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:2] == ["工单号", "状态"]
    assert [r[0] for r in rows[1:]] == sorted(o.number for o in orders.values())
    body = response.content.decode()
    assert "13800138001" not in body and "138****8001" in body
    assert "张伟" not in body and "张*" in body
    assert "北京市朝阳区建国路88号" not in body


def test_a_brand_staff_export_never_includes_another_brands_orders(client, brand_staff, orders):
    client.force_login(brand_staff)

    rows = _csv(client.get(EXPORT, {"status": ""}))

    numbers = {r[0] for r in rows[1:]}
    assert numbers == {orders["confirmed"].number, orders["flagged"].number}


def test_the_export_stops_at_the_row_limit(client, dispatcher, orders, monkeypatch):
    monkeypatch.setattr("anxin.backoffice.views.EXPORT_ROW_LIMIT", 2)
    client.force_login(dispatcher)

    rows = _csv(client.get(EXPORT, {"status": ""}))

    assert len(rows) == 1 + 2


def test_a_technician_may_not_export(client, technician, orders):
    client.force_login(technician.user)

    assert client.get(EXPORT).status_code == 403


def test_an_outsider_may_not_export(client, outsider):
    client.force_login(outsider)

    assert client.get(EXPORT).status_code == 403
