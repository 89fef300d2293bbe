import pytest

from anxin.intake.services import RepairRequest, request_submit
from anxin.network.services import coverage_import
from anxin.workorders.choices import AttentionReason, Channel
from anxin.workorders.models import WorkOrderEvent


@pytest.fixture
def humen_point(service_point, brand, category, admin_user):
    service_point.brands.add(brand)
    service_point.categories.add(category)
    coverage_import(actor=admin_user, service_point=service_point, text="东莞市虎门镇")
    return service_point


def submit(address: str, phone: str):
    return request_submit(
        request=RepairRequest(
            channel=Channel.WEB,
            phone=phone,
            brand="乐创",
            category="消毒柜",
            address=address,
            name="陈静",
            description="坏了",
        )
    ).order


def test_an_order_in_a_covered_township_goes_to_its_service_point(humen_point):
    order = submit("广东省东莞市虎门镇太沙路8号", "13544445555")
    assert order.service_point == humen_point
    assert order.attention == []


def test_an_order_outside_all_coverage_is_flagged_with_the_nearest_points(humen_point):
    order = submit("广东省东莞市长安镇长安路1号", "13544446666")
    assert order.service_point is None
    assert AttentionReason.OUT_OF_COVERAGE in order.attention
    note = WorkOrderEvent.objects.get(order=order, event="created").note
    assert "超出服务范围" in note and humen_point.name in note
