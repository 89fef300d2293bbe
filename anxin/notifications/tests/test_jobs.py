"""Durable jobs: written with the order, done only after success, retried, swept, dead-lettered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anxin.intake.services import RepairRequest, request_submit
from anxin.intake.tasks import acknowledge_request
from anxin.notifications import jobs
from anxin.notifications.choices import JobStatus
from anxin.notifications.models import Job, Notification
from anxin.notifications.services import DeliveryFailed, sms_send
from anxin.workorders.choices import Channel


def submit(phone: str = "13800138000", **fields):
    return request_submit(request=RepairRequest(channel=Channel.WEB, phone=phone, **fields)).order


def test_the_acknowledgement_and_the_offer_are_job_rows_written_in_the_order_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit()
        raise RuntimeError("the order's transaction rolls back")
    assert not Job.objects.exists()

    order = submit()  # on_commit callbacks are not run: the worker never heard of it
    rows = {j.kind: j for j in Job.objects.all()}
    assert set(rows) == {"anxin.intake.tasks.acknowledge_request", "anxin.dispatch.tasks.offer_new_order"}
    assert rows["anxin.intake.tasks.acknowledge_request"].payload == {"order_id": order.pk, "linked": False}
    assert all(j.status == JobStatus.PENDING for j in rows.values())


def test_a_job_payload_refuses_anything_but_ids_and_flags(db):
    with pytest.raises(TypeError):
        acknowledge_request.enqueue(order_id=1, linked=False, phone="13800138000")  # type: ignore[arg-type]  # the wrong type is the point


def test_a_failed_sms_is_retried_with_backoff_and_the_job_is_done_only_after_it_was_sent(
    db, sms, settings, django_capture_on_commit_callbacks
):
    settings.ANXIN_JOB_RETRY_BASE_S = 10
    sms.fail()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        order = submit()
    after = timezone.now()
    job = Job.objects.get(kind="anxin.intake.tasks.acknowledge_request")
    assert job.status == JobStatus.PENDING and job.attempts == 1
    assert "ConnectionError" in job.last_error
    ten = dt.timedelta(seconds=10)
    assert before + ten <= job.next_attempt_at <= after + ten
    assert sms.sent() == []

    assert jobs.job_run(job_id=job.pk) == "skipped"  # not due yet
    later = timezone.now() + dt.timedelta(seconds=11)
    assert jobs.job_run(job_id=job.pk, now=later) == "retry"
    job.refresh_from_db()
    assert job.attempts == 2 and job.next_attempt_at - later == dt.timedelta(seconds=20)  # doubled

    sms.recover()
    assert jobs.job_run(job_id=job.pk, now=job.next_attempt_at) == "done"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done_at is not None and job.last_error == ""
    assert len(sms.sent()) == 1 and order.number in sms.sent()[0]
    note = Notification.objects.get(order=order)  # one row per message, reused by the retries
    assert note.job == job and note.sent_at is not None and note.error == ""


def test_backoff_doubles_up_to_the_cap(settings):
    settings.ANXIN_JOB_RETRY_BASE_S = 15
    settings.ANXIN_JOB_RETRY_MAX_S = 100
    assert [jobs.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [15, 30, 60, 100]


def test_sms_send_raises_inside_a_job_so_that_the_job_retries(db, sms):
    sms.fail()
    job = Job.objects.create(kind="anxin.intake.tasks.acknowledge_request", payload={})
    token = jobs._current_job.set(job)
    try:
        with pytest.raises(DeliveryFailed):
            sms_send(kind="ack", phone="13800138000", text="hello")
    finally:
        jobs._current_job.reset(token)
    assert Notification.objects.get(job=job).error.startswith("ConnectionError")


def test_a_retried_acknowledgement_does_not_text_twice(db, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = submit()
    job = Job.objects.get(kind="anxin.intake.tasks.acknowledge_request")
    # The worker died after sending but before marking the job done: its lease runs out.
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert jobs.jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert len(sms.sent()) == 1
    assert Notification.objects.filter(order=order, sent_at__isnull=False).count() == 1


def test_each_linked_request_acknowledgement_is_its_own_job_sent_once(
    db, sms, brand, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(brand="乐创", category="消毒柜")
        submit(brand="乐创", category="消毒柜")
    assert Notification.objects.filter(kind="ack_linked", sent_at__isnull=False).count() == 1
    linked = Job.objects.get(payload__linked=True)
    Job.objects.filter(pk=linked.pk).update(status=JobStatus.PENDING, next_attempt_at=timezone.now())
    assert jobs.job_run(job_id=linked.pk) == "done"
    assert len(sms.sent()) == 2


def test_the_sweeper_re_enqueues_a_job_whose_wake_up_was_lost(db, sms, settings):
    settings.ANXIN_JOB_SWEEP_GRACE_S = 60
    order = submit()  # committed, but the web process died before it could enqueue
    assert jobs.jobs_sweep() == 0  # still within the grace: its wake-up may be on the way
    assert jobs.jobs_sweep(now=timezone.now() + dt.timedelta(seconds=61)) == 2
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}
    assert Notification.objects.get(order=order).sent_at is not None


def test_a_job_failing_every_time_ends_dead_and_staff_can_retry_it(
    db, sms, settings, client, django_capture_on_commit_callbacks
):
    from anxin.accounts.models import User

    settings.ANXIN_JOB_MAX_ATTEMPTS = 2
    sms.fail()
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    job = Job.objects.get(kind="anxin.intake.tasks.acknowledge_request")
    assert jobs.job_run(job_id=job.pk, now=timezone.now() + dt.timedelta(hours=1)) == "dead"
    job.refresh_from_db()
    assert job.status == JobStatus.DEAD and job.attempts == 2

    staff = User.objects.create_superuser("ops", password="pw-ops")
    client.force_login(staff)
    listing = client.get(reverse("admin:notifications_job_changelist") + "?status__exact=dead")
    assert listing.status_code == 200 and "acknowledge_request" in listing.content.decode()

    sms.recover()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notifications_job_changelist"),
            {"action": "retry_dead_jobs", "_selected_action": [job.pk]},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert len(sms.sent()) == 1


def test_outsiders_cannot_see_the_job_list(db, client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("admin:notifications_job_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_provider_error_echoing_the_phone_is_stored_and_logged_without_it(
    db, settings, caplog, django_capture_on_commit_callbacks
):
    settings.ANXIN_SMS_PROVIDER = "anxin.notifications.tests.test_jobs.EchoingProvider"
    with django_capture_on_commit_callbacks(execute=True):
        submit(phone="13800138000")
    job = Job.objects.get(kind="anxin.intake.tasks.acknowledge_request")
    note = Notification.objects.get(job=job)
    assert "ValueError" in job.last_error and "ValueError" in note.error
    assert "ValueError" in caplog.text
    for text in (job.last_error, note.error, caplog.text):
        assert "13800138000" not in text and "a@b.cn" not in text


class EchoingProvider:
    name = "echoing"

    def send(self, *, phone: str, text: str, reference: str = "") -> None:
        raise ValueError(f"number {phone} rejected, contact a@b.cn")
