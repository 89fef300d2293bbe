"""The SLA engine on real orders: policies, calendars, pauses, warnings, escalations."""

import datetime as dt

import pytest
from django.utils import timezone

from anxin.live.tests.helpers import transition
from anxin.sla.choices import AlertLevel, PauseReason, SlaKind, SlaState
from anxin.sla.models import SlaAlert, SlaClock, SlaPolicy, SlaTarget
from anxin.sla.services import sla_pause, sla_resume, sla_sweep
from anxin.testing.visits import visit_record
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrderEvent
from anxin.workorders.services import workorder_customer_contacted, workorder_transition
from anxin.workorders.tests.factories import order_file

SH = dt.timezone(dt.timedelta(hours=8))


def clock(order, kind=SlaKind.TECHNICIAN_CONFIRMED) -> SlaClock:
    return SlaClock.objects.get(order=order, kind=kind)


@pytest.fixture
def order(brand, category, after_commit):
    with after_commit():
        return order_file()


def test_without_a_policy_the_30_minute_promise_runs_round_the_clock(order):
    confirm = clock(order)
    assert confirm.state == SlaState.RUNNING
    assert confirm.due_at - confirm.started_at == dt.timedelta(minutes=30)
    created = WorkOrderEvent.objects.get(order=order, event=Event.CREATED)
    assert confirm.started_at == created.created_at  # the event's time, not the time the reader ran
    assert abs(created.created_at - order.created_at) < dt.timedelta(seconds=5)  # same intake; loose
    kinds = set(SlaClock.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == {
        SlaKind.TECHNICIAN_CONFIRMED,
        SlaKind.CUSTOMER_CONTACTED,
        SlaKind.ON_SITE,
        SlaKind.COMPLETED,
    }


def test_the_most_specific_policy_wins_and_its_working_hours_apply(brand, category, settings, after_commit):
    general = SlaPolicy.objects.create(name="general", round_the_clock=True)
    SlaTarget.objects.create(policy=general, kind=SlaKind.TECHNICIAN_CONFIRMED, minutes=60)
    office = SlaPolicy.objects.create(
        name="乐创 office hours", brand=brand, round_the_clock=False, working_hours="08:30-12:00,13:30-18:00"
    )
    SlaTarget.objects.create(policy=office, kind=SlaKind.TECHNICIAN_CONFIRMED, minutes=30)
    # Friday 2026-11-20 11:50 local: 10 minutes before lunch, the rest after it.
    friday_before_lunch = dt.datetime(2026, 11, 20, 11, 50, tzinfo=SH)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=friday_before_lunch), after_commit():
        order = order_file()
    confirm = clock(order)
    assert confirm.policy == office
    assert confirm.due_at == dt.datetime(2026, 11, 20, 13, 50, tzinfo=SH)


def test_a_holiday_and_a_make_up_working_day_are_respected(brand, category, after_commit):
    from unittest import mock

    office = SlaPolicy.objects.create(name="office", round_the_clock=False, working_hours="09:00-18:00")
    SlaTarget.objects.create(policy=office, kind=SlaKind.TECHNICIAN_CONFIRMED, minutes=60)
    # Wed 2026-09-30 17:30: 30 min left that day; Oct 1-7 is the National Day holiday;
    # Sat Oct 10 is a make-up working day, Thu Oct 8 is the first normal working day.
    with (
        mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 9, 30, 17, 30, tzinfo=SH)),
        after_commit(),
    ):
        order = order_file()
    assert clock(order).due_at == dt.datetime(2026, 10, 8, 9, 30, tzinfo=SH)


def test_technician_acceptance_keeps_the_confirmation_promise(order, dispatcher, technician, after_commit):
    with after_commit():
        workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
        workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
        workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    confirm = clock(order)
    assert confirm.state == SlaState.MET and confirm.finished_at is not None


def test_contacting_the_customer_keeps_that_promise(order, technician, agent, after_commit):
    with after_commit():
        workorder_customer_contacted(order=order, actor=agent, note="约好明天上午")
    assert clock(order, SlaKind.CUSTOMER_CONTACTED).state == SlaState.MET
    assert WorkOrderEvent.objects.filter(order=order, event="customer_contacted").exists()


def test_the_follow_up_clock_starts_at_completion(order, dispatcher, technician, after_commit):
    assert not SlaClock.objects.filter(order=order, kind=SlaKind.FOLLOWED_UP).exists()
    with after_commit():
        for event in (
            Event.ACCEPT,
            Event.DISPATCH,
            Event.TECHNICIAN_ACCEPT,
            Event.DEPART,
            Event.ARRIVE,
        ):
            transition(  # ARRIVE with the customer's code
                order=order,
                event=event,
                actor=dispatcher,
                technician=technician if event == Event.DISPATCH else None,
            )
        order.refresh_from_db()
        visit_record(order=order, actor=technician.user)  # diagnosis, warranty, repair, sign-off: COMPLETE
    follow_up = clock(order, SlaKind.FOLLOWED_UP)
    assert follow_up.state == SlaState.RUNNING
    assert (
        clock(order, SlaKind.ON_SITE).state == SlaState.MET
        and clock(order, SlaKind.COMPLETED).state == SlaState.MET
    )
    with after_commit():
        workorder_transition(order=order, event=Event.FOLLOW_UP, actor=dispatcher)
    assert clock(order, SlaKind.FOLLOWED_UP).state == SlaState.MET


def test_a_pause_stops_the_clock_and_resume_moves_the_deadline_exactly(order, dispatcher):
    started = clock(order).started_at
    pause_at = started + dt.timedelta(minutes=10)
    resume_at = pause_at + dt.timedelta(minutes=47)
    sla_pause(
        order=order, reason=PauseReason.WAITING_CUSTOMER, actor=dispatcher, note="客户出差", at=pause_at
    )
    assert clock(order).state == SlaState.PAUSED
    assert sla_sweep(now=started + dt.timedelta(minutes=40))["breached"] == 0  # paused clocks never breach
    sla_resume(order=order, actor=dispatcher, at=resume_at)
    resumed = clock(order)
    assert resumed.state == SlaState.RUNNING
    assert resumed.due_at == started + dt.timedelta(minutes=30 + 47)
    events = list(
        WorkOrderEvent.objects.filter(order=order, event__startswith="sla_").values_list("event", "actor")
    )
    assert events == [("sla_paused", dispatcher.pk), ("sla_resumed", dispatcher.pk)]


def test_pausing_twice_or_resuming_a_running_clock_is_refused(order, dispatcher):
    from anxin.core.exceptions import Conflict

    with pytest.raises(Conflict):
        sla_resume(order=order, actor=dispatcher)
    sla_pause(order=order, reason=PauseReason.WAITING_PARTS, actor=dispatcher)
    with pytest.raises(Conflict):
        sla_pause(order=order, reason=PauseReason.WAITING_PARTS, actor=dispatcher)


def test_warning_then_breach_then_escalation_fire_once_each(order):
    due = clock(order).due_at
    assert sla_sweep(now=due - dt.timedelta(minutes=20)) == {"warned": 0, "breached": 0, "escalated": 0}
    assert sla_sweep(now=due - dt.timedelta(minutes=5))["warned"] == 1
    assert sla_sweep(now=due - dt.timedelta(minutes=4))["warned"] == 0
    assert sla_sweep(now=due + dt.timedelta(minutes=1))["breached"] == 1
    assert clock(order).state == SlaState.BREACHED and clock(order).breached_at == due
    assert sla_sweep(now=due + dt.timedelta(minutes=10))["escalated"] == 0
    assert sla_sweep(now=due + dt.timedelta(minutes=31))["escalated"] == 1
    assert sla_sweep(now=due + dt.timedelta(minutes=60))["escalated"] == 0
    alerts = dict(SlaAlert.objects.filter(clock=clock(order)).values_list("level", "notify_role"))
    assert alerts == {
        AlertLevel.WARNING: "dispatcher",
        AlertLevel.BREACH: "dispatcher",
        AlertLevel.ESCALATION: "admin",
    }


def test_a_breach_that_was_acted_on_is_not_escalated(order, dispatcher, technician, after_commit):
    from unittest import mock

    due = clock(order).due_at
    sla_sweep(now=due + dt.timedelta(minutes=1))
    # The technician answers after the breach (events carry their own time; sla applies them at it).
    with mock.patch("django.utils.timezone.now", return_value=due + dt.timedelta(minutes=2)), after_commit():
        workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
        workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
        workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    assert clock(order).state == SlaState.BREACHED and clock(order).finished_at is not None
    sla_sweep(now=due + dt.timedelta(hours=2))
    assert not SlaAlert.objects.filter(clock=clock(order), level=AlertLevel.ESCALATION).exists()


def test_cancelling_stops_every_clock(order, agent, after_commit):
    with after_commit():
        workorder_transition(order=order, event=Event.CANCEL, actor=agent, note="客户自行修好")
    assert set(SlaClock.objects.filter(order=order).values_list("state", flat=True)) == {SlaState.CANCELLED}


def test_the_sweep_runs_as_a_periodic_worker_task(order):
    from anxin.sla.tasks import sla_sweep_every_minute

    assert sla_sweep_every_minute.call_local() == {"warned": 0, "breached": 0, "escalated": 0}
    SlaClock.objects.filter(order=order, kind=SlaKind.TECHNICIAN_CONFIRMED).update(
        due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert sla_sweep_every_minute.call_local()["breached"] == 1
