"""workorder_create: the one place an order is made (number, tracking token, row, "created" event)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from anxin.customers.services import customer_get_or_create
from anxin.workorders.choices import AttentionReason, Channel, Event, Status
from anxin.workorders.models import WorkOrderEvent
from anxin.workorders.services import workorder_create, workorder_number_next


@pytest.fixture
def customer(db):
    return customer_get_or_create(phone="13800138000", email="", name="张伟", address="北京市朝阳区")[0]


def test_it_makes_the_order_and_its_created_event(customer, agent, brand, category):
    order = workorder_create(
        channel=Channel.HOTLINE,
        customer=customer,
        device=None,
        brand=brand,
        category=category,
        contact_name="  张伟 ",
        contact_phone="13800138000",
        description="不加热" + "x" * 5000,
        attention=[AttentionReason.ADDRESS_MISSING],
        actor=agent,
        note="由 网点 负责",
    )
    assert re.fullmatch(r"WO\d{8}-\d{6}", order.number) and len(order.tracking_token) == 24
    assert order.status == Status.RECEIVED and order.created_by == agent and order.contact_name == "张伟"
    assert len(order.description) == 4000
    created = WorkOrderEvent.objects.get(order=order)
    assert created.event == Event.CREATED and created.to_status == Status.RECEIVED
    assert created.note == "需人工处理：缺少地址；由 网点 负责"
    assert created.actor == agent and created.created_at == order.created_at


def test_without_an_actor_the_channel_is_named(customer):
    order = workorder_create(channel=Channel.WEB, customer=customer, device=None, brand=None, category=None)
    assert WorkOrderEvent.objects.get(order=order).actor_label == "web channel"


def test_a_number_taken_beforehand_is_used(customer):
    number = workorder_number_next(when=timezone.now())
    order = workorder_create(
        channel=Channel.API, customer=customer, device=None, brand=None, category=None, number=number
    )
    assert order.number == number


def test_numbers_count_per_local_day_in_one_statement(db, django_assert_num_queries):
    day = dt.datetime(2026, 11, 23, 23, 59, tzinfo=timezone.get_current_timezone())
    with django_assert_num_queries(1):
        first = workorder_number_next(when=day)
    second = workorder_number_next(when=day)
    next_day = workorder_number_next(when=day + dt.timedelta(minutes=2))
    assert (first, second, next_day) == ("WO20261123-000001", "WO20261123-000002", "WO20261124-000001")
