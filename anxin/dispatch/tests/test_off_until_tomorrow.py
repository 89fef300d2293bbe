"""下班/请假 holds for the rest of the day it was pressed on: the next morning the technician is back on
duty and gets the first offer of his shift (issue #11: "a technician who pressed 下班 stayed off")."""

from __future__ import annotations

import datetime as dt

import pytest

from anxin.dispatch import selectors, services
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.services.sweep import offers_consistency_check
from anxin.dispatch.tests.factories import next_wednesday_at, order_new
from anxin.network.choices import TechnicianStatus
from anxin.network.models import ServicePoint, Technician

pytestmark = pytest.mark.django_db

TUESDAY_1830 = next_wednesday_at(18, 30) - dt.timedelta(days=1)
WEDNESDAY_0800 = next_wednesday_at(8)


@pytest.fixture
def day_shift(point: ServicePoint, near: Technician, far: Technician) -> ServicePoint:
    ServicePoint.objects.filter(pk=point.pk).update(opening_hours="08:00-18:00", open_24h=False)
    Technician.objects.filter(pk__in=[near.pk, far.pk]).update(
        shift_start=dt.time(8), shift_end=dt.time(18), work_days="12345"
    )
    point.refresh_from_db()
    return point


def _sign_off(technician: Technician, at: dt.datetime) -> Technician:
    technician.refresh_from_db()  # the shift set by ``day_shift``
    return services.technician_status_set(
        technician=technician, status=TechnicianStatus.OFF, actor=technician.user, now=at
    )


def test_off_pressed_in_the_evening_lapses_at_midnight(day_shift, near):
    near = _sign_off(near, TUESDAY_1830)
    assert selectors.technician_signed_off(near, now=TUESDAY_1830 + dt.timedelta(hours=5))
    assert not selectors.technician_signed_off(near, now=WEDNESDAY_0800)
    assert selectors.technician_on_shift(near, now=WEDNESDAY_0800)


def test_off_pressed_before_the_shift_covers_that_days_shift(day_shift, near):
    near = _sign_off(near, next_wednesday_at(7))  # sick, before his shift
    assert not selectors.technician_on_shift(near, now=next_wednesday_at(10))
    assert selectors.technician_on_shift(near, now=next_wednesday_at(10) + dt.timedelta(days=1))


def test_the_technician_who_signed_off_last_night_gets_the_first_offer_at_0800(day_shift, near, far):
    # Given the nearer technician pressed 下班 at 18:30 and nobody is on shift overnight
    _sign_off(near, TUESDAY_1830)
    order = order_new("13800000031")
    filed_at = next_wednesday_at(0) - dt.timedelta(minutes=10)
    assert services.offer_for_new_order(order_id=order.pk, now=filed_at) is None
    # When the consistency check runs at 08:00
    counts = offers_consistency_check(now=WEDNESDAY_0800)
    # Then he is back on duty (his phone shows it) and the first offer is his
    near.refresh_from_db()
    assert counts["back_on_duty"] == 1 and near.status == TechnicianStatus.AVAILABLE
    offer = DispatchOffer.objects.get(order=order, state=OfferState.PENDING)
    assert offer.technician == near


def test_off_pressed_today_is_kept_by_the_morning_sweep(day_shift, near, far):
    _sign_off(near, next_wednesday_at(7))
    order = order_new("13800000032")
    counts = offers_consistency_check(now=WEDNESDAY_0800)
    assert counts == {"stranded": 0, "waiting_offered": 1, "back_on_duty": 0}
    assert DispatchOffer.objects.get(order=order, state=OfferState.PENDING).technician == far
    near.refresh_from_db()
    assert near.status == TechnicianStatus.OFF


def test_an_off_set_by_hand_without_a_time_holds(day_shift, near):
    Technician.objects.filter(pk=near.pk).update(status=TechnicianStatus.OFF, status_changed_at=None)
    near.refresh_from_db()
    assert selectors.technician_signed_off(near, now=WEDNESDAY_0800 + dt.timedelta(days=30))
