"""The customer's tracking map: the order's county; the technician only while on the way, from a fresh fix
taken after he set off, rounded to ~1 km; the order at its area centre, never at the address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anxin.dispatch.selectors import order_location, tracking_map
from anxin.dispatch.tests.factories import order_new
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


def _on_the_way(order: WorkOrder, technician, *, departed: dt.datetime, fix_at: dt.datetime) -> WorkOrder:
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.EN_ROUTE, technician=technician)
    WorkOrderEvent.objects.create(
        order=order,
        event="depart",
        from_status=Status.TECHNICIAN_ACCEPTED,
        to_status=Status.EN_ROUTE,
        created_at=departed,
    )
    technician.last_latitude, technician.last_longitude, technician.last_located_at = (
        39.93456,
        116.45678,
        fix_at,
    )
    technician.save()
    return WorkOrder.objects.select_related("technician__user").get(pk=order.pk)


def test_a_new_order_shows_only_its_county_highlighted_in_its_prefecture_file():
    order = order_new("13800000500")  # 北京市朝阳区建国路88号

    spec = tracking_map(order=order)

    assert spec is not None
    assert [(o.url, o.focus) for o in spec.outlines] == [("/static/geo/c/110000.json", "110105")]
    assert spec.markers == [] and spec.routes == []


def test_the_technician_on_the_way_is_shown_roughly_with_a_line_to_the_orders_area(technician):
    now = timezone.now()
    order = _on_the_way(
        order_new("13800000501"), technician, departed=now - dt.timedelta(minutes=10), fix_at=now
    )

    spec = tracking_map(order=order, now=now)

    assert spec is not None
    tech, destination = spec.markers
    assert (tech.kind, tech.lat, tech.lng) == ("technician", 39.93, 116.46)
    centre = order_location(order)  # the township or county centre the address resolved to
    assert centre is not None
    assert (destination.kind, destination.lat, destination.lng) == ("destination", centre.lat, centre.lon)
    assert spec.routes[0].points == [(39.93, 116.46), (destination.lat, destination.lng)]


@pytest.mark.parametrize(
    ("departed_ago", "fix_ago"),
    [(10, 20), (60, 45)],
    ids=["fix-from-before-setting-off", "stale-fix"],
)
def test_an_old_position_is_never_shown(technician, departed_ago, fix_ago):
    now = timezone.now()
    order = _on_the_way(
        order_new("13800000502"),
        technician,
        departed=now - dt.timedelta(minutes=departed_ago),
        fix_at=now - dt.timedelta(minutes=fix_ago),
    )

    spec = tracking_map(order=order, now=now)

    assert spec is not None
    assert spec.markers == [] and spec.outlines[0].focus == "110105"


def test_an_order_without_a_county_has_no_map():
    order = order_new("13800000503", address="火星基地")

    assert order.county_code == "" and tracking_map(order=order) is None
