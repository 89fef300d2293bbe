import pytest
from django.utils import timezone

from anxin.core.exceptions import ValidationFailed
from anxin.intake.models import IntakeRequest
from anxin.intake.services import RepairRequest, request_submit
from anxin.notifications.models import Notification
from anxin.workorders.choices import AttentionReason, Channel, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent


def submit(**fields):
    return request_submit(request=RepairRequest(channel=fields.pop("channel", Channel.WEB), **fields))


def test_an_incomplete_request_is_kept_and_flagged_for_an_agent(db):
    result = submit(phone="13800138000", brand="不存在的牌子", address="火星基地1号")
    order = result.order
    assert result.created and order.status == Status.RECEIVED
    assert set(order.attention) >= {
        AttentionReason.UNKNOWN_BRAND,
        AttentionReason.UNKNOWN_CATEGORY,
        AttentionReason.ADDRESS_UNRESOLVED,
        AttentionReason.NAME_MISSING,
        AttentionReason.DESCRIPTION_MISSING,
    }
    assert order.brand is None and order.brand_text == "不存在的牌子"


def test_a_request_with_no_way_to_reach_the_customer_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        submit(name="张三", address="北京市朝阳区建国路88号", description="坏了")
    assert refused.value.field == "phone" and refused.value.code == "no_contact"
    assert WorkOrder.objects.count() == 0


def test_an_email_address_alone_is_enough_to_reach_the_customer(db):
    order = submit(email="Li.Na@Example.cn", channel=Channel.EMAIL).order
    assert AttentionReason.PHONE_MISSING in order.attention
    assert order.customer.email == "li.na@example.cn"


def test_the_address_is_resolved_to_county_and_township_codes(brand, category):
    order = submit(
        phone="13800138000", brand="乐创", category="消毒柜", address="广东省东莞市虎门镇连升路9号"
    ).order
    assert order.county_code == "441900"
    assert order.township_code.startswith("441900")
    assert AttentionReason.ADDRESS_UNRESOLVED not in order.attention


def test_a_second_request_for_the_same_device_while_open_is_linked(brand, category):
    first = submit(phone="13800138000", brand="乐创", category="消毒柜", serial_number="SN1").order
    second = submit(
        phone="138-0013-8000", brand="乐创", category="消毒柜", serial_number="SN1", channel=Channel.HOTLINE
    )
    assert not second.created and second.order == first
    assert IntakeRequest.objects.filter(order=first).count() == 2
    assert WorkOrderEvent.objects.filter(order=first, event="linked_request").count() == 1


def test_another_device_of_the_same_customer_gets_its_own_order(brand, category):
    first = submit(phone="13800138000", brand="乐创", category="消毒柜", serial_number="SN1").order
    second = submit(phone="13800138000", brand="乐创", category="消毒柜", serial_number="SN2")
    assert second.created and second.order != first
    assert first.customer_id == second.order.customer_id


def test_a_closed_order_does_not_swallow_a_new_request(brand, category):
    first = submit(phone="13800138000", brand="乐创", category="消毒柜").order
    WorkOrder.objects.filter(pk=first.pk).update(status=Status.CLOSED)
    assert submit(phone="13800138000", brand="乐创", category="消毒柜").created


def test_the_customer_gets_an_acknowledgement_with_the_number(
    brand, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(phone="13800138000", brand="乐创").order
    note = Notification.objects.get(order=order)
    assert note.kind == "ack" and order.number in note.body and note.sent_at is not None
    assert note.recipient == "13800138000"


def test_warranty_is_known_from_the_registered_device(product_model):
    import datetime as dt

    order = submit(
        phone="13800138000",
        brand="乐创",
        model="ZTP-108A",
        purchase_date=timezone.localdate() - dt.timedelta(days=30),
    ).order
    assert order.category == product_model.category
    assert order.device.warranty_end is not None and order.in_warranty is True
    old = submit(phone="13900000000", brand="乐创", model="ZTP-108A", purchase_date=dt.date(2015, 1, 1)).order
    assert old.in_warranty is False


def test_an_email_only_customer_is_acknowledged_by_email(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(email="lina@example.cn", channel=Channel.EMAIL, description="热水器不热").order
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lina@example.cn"] and order.number in mailoutbox[0].body
    assert Notification.objects.get(order=order).channel == "email"
