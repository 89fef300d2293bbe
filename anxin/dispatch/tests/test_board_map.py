"""The board's map: the point's prefecture outlines with its covered counties shaded, technicians, today's
jobs at their division centre (never the customer's address) and each technician's route in stop order."""

from __future__ import annotations

import pytest

from anxin.dispatch import services
from anxin.dispatch.selectors import order_location
from anxin.dispatch.services.board import JITTER_DEG
from anxin.dispatch.tests.factories import cover, order_new, skilled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_plans(settings):
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.2


@pytest.fixture
def crew(service_point, brand, category, technician, other_technician):
    cover(service_point, brand, category)
    for tech, (lat, lng) in ((technician, (39.921, 116.444)), (other_technician, (40.05, 116.25))):
        skilled(tech, brand, category, lat=lat, lng=lng)
        tech.work_days, tech.shift_start, tech.shift_end = "1234567", "00:00", "23:59"
        tech.save()
    return technician, other_technician


def test_the_board_map_draws_the_points_prefecture_with_its_coverage_and_todays_work(
    crew, service_point, dispatcher
):
    order = order_new("13800000400")
    services.offer_for_new_order(order_id=order.pk)

    board_map = services.board_snapshot(actor=dispatcher, service_point=service_point).map

    # 朝阳区 is directly under 北京: its outline file is the municipality's districts
    assert [o.url for o in board_map.outlines] == ["/static/geo/c/110000.json"]
    assert board_map.outlines[0].shading == {"110105": "covered"}
    kinds = {(m.kind, m.label) for m in board_map.markers}
    assert {("service_point", "北京朝阳网点"), ("technician", "T1001"), ("technician", "T1002")} <= kinds
    job = next(m for m in board_map.markers if m.label == order.number)
    assert job.kind in ("job", "unassigned")
    # placed at the order's township/county centre, shifted by at most the drawing offset
    centre = order_location(order)
    assert centre is not None
    assert abs(job.lat - centre.lat) <= JITTER_DEG and abs(job.lng - centre.lon) <= JITTER_DEG
    assert board_map.routes, "the plan routes the new order"
    for route in board_map.routes:
        assert route.label in ("T1001", "T1002") and (job.lat, job.lng) in route.points[1:]
