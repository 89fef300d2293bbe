"""The customer hears from us: a message per milestone, in their language, not at night, opt-out kept."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from anxin.intake.milestones import milestones_read
from anxin.live.tests.helpers import transition
from anxin.notifications import jobs
from anxin.notifications.choices import JobStatus
from anxin.notifications.models import Job
from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_appointment_set, workorder_transition
from anxin.workorders.tests.factories import order_file

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JOB = "anxin.intake.milestones.milestone_text"


@pytest.fixture
def sms(settings, tmp_path, monkeypatch):
    sink = tmp_path / "sms.txt"
    monkeypatch.setenv("ANXIN_SMS_SINK_FILE", str(sink))
    settings.ANXIN_SMS_PROVIDER = "anxin.notifications.providers.FileSinkSmsProvider"
    return lambda: sink.read_text(encoding="utf-8").splitlines() if sink.exists() else []


def at(hour: int, minute: int = 0, *, days: int = 1) -> dt.datetime:
    """A local time on a day to come (a deferred job's time must lie ahead of the real clock)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def order(db, technician):
    order = order_file()
    milestones_read()  # the reader starts here: the order's creation is not a milestone
    workorder_transition(order=order, event=Event.ACCEPT, actor=None)
    workorder_transition(order=order, event=Event.DISPATCH, actor=None, technician=technician)
    start = timezone.now() + dt.timedelta(days=1)
    workorder_appointment_set(
        order=order,
        start=start,
        end=start + dt.timedelta(hours=2),
        actor=None,
        allowed_statuses={order.status},
        at=timezone.now(),
    )
    return order


def run_due(now: dt.datetime) -> None:
    for job in Job.objects.filter(kind=JOB, status=JobStatus.PENDING).order_by("id"):
        jobs.job_run(job_id=job.pk, now=now)


def test_each_milestone_is_texted_once_with_the_masked_technician_and_the_tracking_link(order, sms):
    for event in (Event.TECHNICIAN_ACCEPT, Event.DEPART, Event.ARRIVE):
        transition(order=order, event=event, actor=None)
    milestones_read(now=at(10))
    milestones_read(now=at(10))  # a second read finds nothing new
    assert Job.objects.filter(kind=JOB).count() == 3
    run_due(timezone.now())
    texts = [line.split("\t")[2] for line in sms()]
    assert len(texts) == 3
    accepted, on_the_way, arrived = texts
    tech_name = str(order.technician.user)
    assert "接单" in accepted and order.technician.employee_no in accepted
    assert tech_name not in accepted and tech_name[0] in accepted  # masked name
    assert "上门时间" in accepted and f"?t={order.tracking_token}" in accepted
    assert "已出发" in on_the_way and "已到达" in arrived


def test_a_customer_who_chose_english_gets_english(order, sms):
    order.customer.language = "en"
    order.customer.save()
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=None)
    milestones_read(now=at(10))
    run_due(timezone.now())
    (line,) = sms()
    text = line.split("\t")[2]
    assert "accepted" in text.lower() and "接单" not in text


def test_at_night_a_non_urgent_message_waits_for_eight_but_the_technician_at_the_door_does_not(order, sms):
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=None)
    milestones_read(now=at(22, 30))
    workorder_transition(order=order, event=Event.DEPART, actor=None)
    milestones_read(now=at(22, 40))
    deferred, urgent = Job.objects.filter(kind=JOB).order_by("id")
    assert deferred.next_attempt_at == at(8, days=2)
    assert urgent.next_attempt_at <= timezone.now()
    assert jobs.job_run(job_id=deferred.pk, now=at(23)) == "skipped"  # kept, not dropped
    assert jobs.job_run(job_id=deferred.pk, now=at(8, days=2)) == "done"
    assert len(sms()) == 1


def test_an_opted_out_customer_still_gets_the_essential_message_only(order, sms):
    order.customer.messages_opted_out = True
    order.customer.save()
    for event in (Event.TECHNICIAN_ACCEPT, Event.DEPART, Event.ARRIVE):
        transition(order=order, event=event, actor=None)
    milestones_read(now=at(10))
    run_due(timezone.now())
    (line,) = sms()
    assert "接单" in line


def test_a_kick_after_commit_sends_the_milestone_without_waiting_for_the_sweep(
    order, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=None)
    # Huey runs immediately in tests: the reader enqueued the job and the job ran (daytime or not).
    job = Job.objects.get(kind=JOB)
    assert job.status == JobStatus.DONE or job.next_attempt_at > timezone.now()


def test_quiet_hours_run_from_nine_in_the_evening_to_eight_and_can_be_switched_off(settings):
    from anxin.notifications.customer_messages import quiet_hours_end

    assert quiet_hours_end(at=at(20, 59)) is None
    assert quiet_hours_end(at=at(21)) == at(8, days=2)
    assert quiet_hours_end(at=at(7, 59)) == at(8)
    assert quiet_hours_end(at=at(8)) is None
    settings.ANXIN_QUIET_HOURS_START = settings.ANXIN_QUIET_HOURS_END = 0
    assert quiet_hours_end(at=at(23)) is None


def test_without_a_booked_slot_the_accepted_text_quotes_the_hour_around_the_accepted_offers_eta(
    db, technician, sms
):
    # Given an order with no appointment, dispatched to a technician whose accepted offer plans 10:00
    from anxin.dispatch.choices import OfferState
    from anxin.dispatch.models import DispatchOffer

    order = order_file()
    milestones_read()
    workorder_transition(order=order, event=Event.ACCEPT, actor=None)
    workorder_transition(order=order, event=Event.DISPATCH, actor=None, technician=technician)
    DispatchOffer.objects.create(
        order=order,
        technician=technician,
        state=OfferState.ACCEPTED,
        eta=at(10),
        created_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    # When he accepts and the milestone is texted
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=None)
    milestones_read(now=at(10))
    run_due(timezone.now())
    # Then the text gives the window around the planned arrival, not "—"
    (line,) = sms()
    assert f"上门时间 {at(9, 30):%m-%d %H:%M}–10:30" in line.split("\t")[2]
