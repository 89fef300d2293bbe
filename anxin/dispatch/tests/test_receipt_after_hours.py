"""The receipt promises only what dispatch can keep: 30 minutes while someone is on shift, the first
shift's start after hours (issue #11: the 23:50 customer was told "within 30 minutes")."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from anxin.dispatch.tests.factories import next_wednesday_at, order_new
from anxin.intake.acknowledgements import acknowledgement_send, confirmation_waits_until
from anxin.network.models import ServicePoint, Technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_shift(point: ServicePoint, near: Technician, far: Technician) -> ServicePoint:
    ServicePoint.objects.filter(pk=point.pk).update(opening_hours="08:00-18:00", open_24h=False)
    Technician.objects.filter(pk__in=[near.pk, far.pk]).update(
        shift_start=dt.time(8), shift_end=dt.time(18), work_days="12345"
    )
    return point


def _receipt_at(when: dt.datetime, phone: str) -> str:
    order = order_new(phone)
    with mock.patch("django.utils.timezone.now", return_value=when):
        note = acknowledgement_send(order_id=order.pk, linked=False)
    assert note is not None
    return note.body


def test_at_2350_the_receipt_names_the_first_shift_instead_of_30_minutes(day_shift):
    body = _receipt_at(next_wednesday_at(0) - dt.timedelta(minutes=10), "13800000021")
    assert "30分钟" not in body
    assert "非工作时间" in body and "08:00" in body


def test_during_the_shift_the_receipt_promises_30_minutes(day_shift):
    body = _receipt_at(next_wednesday_at(10), "13800000022")
    assert "30分钟内为您确认技师" in body


def test_nobody_waits_when_a_technician_is_on_shift_now(day_shift):
    order = order_new("13800000023")
    assert confirmation_waits_until(order, now=next_wednesday_at(10)) is None
    waits = confirmation_waits_until(order, now=next_wednesday_at(0) - dt.timedelta(minutes=10))
    assert waits == next_wednesday_at(8)


def test_the_first_shift_look_up_does_not_query_per_technician(
    day_shift, brand, category, django_assert_max_num_queries
):
    """The receipt job reads every skilled technician's skills: prefetched, not two queries each."""
    from anxin.accounts.choices import Role
    from anxin.accounts.models import User

    for n in range(8):
        user = User.objects.create_user(username=f"night{n}", role=Role.TECHNICIAN)
        extra = Technician.objects.create(
            user=user,
            service_point=day_shift,
            employee_no=f"T9{n:03d}",
            work_days="12345",
            shift_start=dt.time(8),
            shift_end=dt.time(18),
        )
        extra.brands.add(brand)
        extra.categories.add(category)
    order = order_new("13800000024")
    with django_assert_max_num_queries(8):
        waits = confirmation_waits_until(order, now=next_wednesday_at(0) - dt.timedelta(minutes=10))
    assert waits == next_wednesday_at(8)
