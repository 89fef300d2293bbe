"""Flagged orders resume by themselves: after an agent's correction, and after a coverage change."""

from __future__ import annotations

import pytest

from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.services import dispatch_sweep
from anxin.dispatch.tests.factories import always_on, order_new
from anxin.network.models import CoverageChange, ServicePoint
from anxin.network.services import coverage_delete, coverage_import
from anxin.workorders.choices import AttentionReason, Event, Status
from anxin.workorders.services import OrderValues, workorder_correct, workorder_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _near_always_on(near):
    """Offers go only to technicians on shift: keep the outcome independent of when the test runs."""
    always_on(near)


@pytest.fixture(autouse=True)
def _sweep_has_run():
    """The worker has swept before: its outbox cursor exists (a new cursor starts after the newest row)."""
    dispatch_sweep()


def test_correcting_an_unresolvable_address_dispatches_the_order(
    near, agent, django_capture_on_commit_callbacks
):
    # Given an order whose address could not be resolved: flagged, not offered
    with django_capture_on_commit_callbacks(execute=True):
        order = order_new("13800000011", address="我家楼下那个小区")
    assert AttentionReason.ADDRESS_UNRESOLVED in order.attention
    assert not DispatchOffer.objects.filter(order=order).exists()
    # When the agent corrects the address
    values = OrderValues.of(order)
    with django_capture_on_commit_callbacks(execute=True):
        workorder_correct(
            order=order,
            actor=agent,
            values=OrderValues(**{**values.__dict__, "service_address": "北京市朝阳区建国路88号"}),
            version=workorder_version(order),
        )
    # Then the address is resolved, the point assigned, the flag cleared, and the order offered
    order.refresh_from_db()
    assert order.county_code == "110105" and order.service_point == near.service_point
    assert order.attention == []
    assert order.status == Status.DISPATCHED and DispatchOffer.objects.get(order=order).technician == near
    assert "服务网点" in order.events.get(event=Event.CORRECTED).note


def test_a_correction_that_leaves_a_blocking_flag_does_not_dispatch(
    near, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_new("13800000012", address="我家楼下那个小区")
    values = OrderValues.of(order)
    with django_capture_on_commit_callbacks(execute=True):
        workorder_correct(
            order=order,
            actor=agent,
            values=OrderValues(**{**values.__dict__, "contact_name": "赵六"}),
            version=workorder_version(order),
        )
    order.refresh_from_db()
    assert AttentionReason.ADDRESS_UNRESOLVED in order.attention and order.status == Status.RECEIVED
    assert not DispatchOffer.objects.filter(order=order).exists()


def test_new_coverage_assigns_and_dispatches_out_of_coverage_orders(
    near, dispatcher, brand, category, django_capture_on_commit_callbacks
):
    # Given an order in 海淀 (110108), which no point covers yet
    with django_capture_on_commit_callbacks(execute=True):
        order = order_new("13800000013", address="北京市海淀区中关村大街1号")
    assert order.county_code == "110108" and AttentionReason.OUT_OF_COVERAGE in order.attention
    # When the point's coverage gains 海淀区
    with django_capture_on_commit_callbacks(execute=True):
        coverage_import(actor=dispatcher, service_point=near.service_point, text="北京市海淀区")
    # Then the order is placed at that point, unflagged, and offered
    order.refresh_from_db()
    assert CoverageChange.objects.filter(service_point=near.service_point).exists()
    assert order.service_point == near.service_point and order.attention == []
    assert order.events.filter(event=Event.COVERAGE_FOUND).count() == 1
    assert order.status == Status.DISPATCHED and DispatchOffer.objects.filter(order=order).exists()


def test_a_coverage_change_elsewhere_leaves_uncovered_orders_flagged(
    near, dispatcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_new("13800000014", address="北京市海淀区中关村大街1号")
    other = ServicePoint.objects.create(name="天津网点", county_code="120101", latitude=39.1, longitude=117.2)
    with django_capture_on_commit_callbacks(execute=True):
        coverage_import(actor=dispatcher, service_point=other, text="天津市和平区")
        coverage_delete(actor=dispatcher, service_point=other, coverage_id=other.coverage.get().pk)
    order.refresh_from_db()
    assert AttentionReason.OUT_OF_COVERAGE in order.attention and order.service_point is None
    assert CoverageChange.objects.filter(service_point=other).count() == 2
