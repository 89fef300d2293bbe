"""Customer self-scheduling: only windows the plan can keep are shown, and a shown window holds when chosen."""

from __future__ import annotations

import datetime as dt

import pytest

from anxin.core.exceptions import Conflict
from anxin.dispatch import services
from anxin.dispatch.engine.model import Stop
from anxin.dispatch.selectors import plan_to_engine
from anxin.dispatch.tests.factories import NOW, order_new, skilled
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition

pytestmark = pytest.mark.django_db
DAY = NOW.date()


@pytest.fixture
def solo(point, technician, brand, category):
    """The only skilled technician: two visits a day at most."""
    technician = skilled(technician, brand, category, lat=39.921, lng=116.444)
    technician.max_jobs_per_day = 2
    technician.save(update_fields=["max_jobs_per_day"])
    return technician


def _booked(phone: str, start: dt.datetime) -> WorkOrder:
    order = order_new(phone)
    WorkOrder.objects.filter(pk=order.pk).update(
        appointment_start=start, appointment_end=start + dt.timedelta(hours=2)
    )
    order.refresh_from_db()
    return workorder_transition(order=order, event=Event.ACCEPT, actor=None)


def _stop_of(number: str) -> Stop:
    from anxin.dispatch.models import DispatchPlan

    for plan in DispatchPlan.objects.all():
        found = plan_to_engine(plan).stop_of(number)
        if found is not None:
            return found[2]
    raise AssertionError(f"{number} is not in any plan")


def test_slots_are_two_hour_windows_within_shifts_over_the_next_three_days(solo):
    order = order_new("13800000100")
    slots = services.slots_for_order(order=order, now=NOW)

    days = sorted({s.day for s in slots})
    assert days == [DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)]
    for slot in slots:
        local_start, local_end = slot.start.astimezone(NOW.tzinfo), slot.end.astimezone(NOW.tzinfo)
        assert local_end - local_start == dt.timedelta(hours=2)
        assert dt.time(8, 30) <= local_start.time() and local_end.time() <= dt.time(18, 0)
    # today: nothing earlier than an hour from now (09:00 → 10:00)
    assert min(s.start for s in slots if s.day == DAY) >= NOW + dt.timedelta(hours=1)


def test_every_slot_shown_is_kept_by_the_plan_when_the_customer_chooses_it(solo):
    order = order_new("13800000110")
    shown = [s for s in services.slots_for_order(order=order, now=NOW) if s.day == DAY]
    assert shown
    for slot in shown:
        services.slot_choose(order=order, start=slot.start, actor=None, now=NOW)
        order.refresh_from_db()
        assert (order.appointment_start, order.appointment_end) == (slot.start, slot.end)

        services.plan_refresh(service_point=solo.service_point, day=DAY, now=NOW)

        stop = _stop_of(order.number)
        assert stop.lateness == 0
        assert stop.start >= (slot.start - NOW.replace(hour=0)).total_seconds() // 60
    assert order.events.filter(event="appointment_set").count() == len(shown)


def test_a_full_day_shows_no_slots(solo):
    _booked("13800000120", NOW + dt.timedelta(hours=2))
    _booked("13800000121", NOW + dt.timedelta(hours=6))
    services.plan_refresh(service_point=solo.service_point, day=DAY, now=NOW)

    slots = services.slots_for_order(order=order_new("13800000122"), now=NOW)

    assert slots and not [s for s in slots if s.day == DAY]


def test_a_slot_taken_meanwhile_is_refused(solo):
    order = order_new("13800000130")
    slot = next(s for s in services.slots_for_order(order=order, now=NOW) if s.day == DAY)
    # Meanwhile two other customers fill the day
    _booked("13800000131", NOW + dt.timedelta(hours=2))
    _booked("13800000132", NOW + dt.timedelta(hours=6))

    with pytest.raises(Conflict) as exc:
        services.slot_choose(order=order, start=slot.start, actor=None, now=NOW)
    assert exc.value.code == "slot_unavailable"
    order.refresh_from_db()
    assert order.appointment_start is None


def test_an_order_under_way_cannot_be_rescheduled_online(solo):
    order = order_new("13800000140")
    slot = services.slots_for_order(order=order, now=NOW)[0]
    workorder_transition(order=order, event=Event.ACCEPT, actor=None)
    workorder_transition(order=order, event=Event.DISPATCH, actor=None, technician=solo)
    for event in (Event.TECHNICIAN_ACCEPT, Event.DEPART):
        order = workorder_transition(order=order, event=event, actor=solo.user)
    assert services.slots_for_order(order=order, now=NOW) == []
    with pytest.raises(Conflict):
        services.slot_choose(order=order, start=slot.start, actor=None, now=NOW)
