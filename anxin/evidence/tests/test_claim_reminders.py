"""Deadlines on both sides: who must act next, by when, and reminders before and after."""

import datetime as dt

import pytest
from django.utils import timezone

from anxin.evidence import services
from anxin.evidence.choices import ClaimStatus, EventKind
from anxin.evidence.models import Claim, ClaimEvent
from anxin.notifications import jobs
from anxin.notifications.choices import JobStatus
from anxin.notifications.models import Job, Notification

from .factories import make_buyer, make_claim, make_rule


@pytest.fixture
def claim_in_review(db, brand, brand_staff):
    make_rule(brand=brand, auto_approve=False)
    buyer = make_buyer()
    claim = make_claim(buyer=buyer, brand=brand)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.ANALYZING)
    claim.refresh_from_db()
    return services._transition(  # the analysis hands it to the merchant
        claim=claim,
        allowed_from={ClaimStatus.ANALYZING},
        new=ClaimStatus.REVIEW,
        kind=EventKind.ANALYZED,
        actor=None,
    )


def test_a_claim_in_review_gives_the_merchant_a_deadline(claim_in_review):
    assert claim_in_review.respond_by is not None
    hours = (claim_in_review.respond_by - claim_in_review.updated_at).total_seconds() / 3600
    assert 47.9 < hours <= 48.0


def test_asking_for_more_evidence_gives_the_buyer_a_deadline_and_a_text_reminder(
    claim_in_review, brand_staff, django_capture_on_commit_callbacks
):
    claim = services.claim_decide(
        actor=brand_staff, claim=claim_in_review, decision="ask_more", reason="请拍摄序列号标签"
    )
    assert claim.status == ClaimStatus.MORE_EVIDENCE
    assert claim.respond_by is not None
    assert claim.respond_by - timezone.now() > dt.timedelta(days=2, hours=23)

    with django_capture_on_commit_callbacks(execute=True):  # the text is a durable job, run on commit
        assert services.claim_reminders_send(now=claim.respond_by - dt.timedelta(days=1)) == 0  # too early
        assert services.claim_reminders_send(now=claim.respond_by - dt.timedelta(hours=6)) == 1
        assert services.claim_reminders_send(now=claim.respond_by - dt.timedelta(hours=5)) == 0  # once
    text = Notification.objects.get(kind="claim_reminder")
    assert claim.number in text.body and text.recipient == "13800000000" and text.sent_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.claim_reminders_send(now=claim.respond_by + dt.timedelta(minutes=1)) == 1
        )  # overdue: once more
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.REMINDED).count() == 2
    assert Notification.objects.filter(kind="claim_reminder", sent_at__isnull=False).count() == 2


@pytest.fixture
def sms_outage(settings, tmp_path, monkeypatch):
    """The file-sink provider, failing while the returned flag file exists."""
    settings.ANXIN_SMS_PROVIDER = "anxin.notifications.providers.FileSinkSmsProvider"
    monkeypatch.setenv("ANXIN_SMS_SINK_FILE", str(tmp_path / "sms.txt"))
    flag = tmp_path / "sms-down"
    monkeypatch.setenv("ANXIN_SMS_FAIL_FLAG", str(flag))
    flag.touch()
    return flag


def test_a_reminder_text_that_fails_is_retried_by_its_job_until_sent_once(
    claim_in_review, brand_staff, sms_outage, django_capture_on_commit_callbacks
):
    # Given a buyer asked for more evidence, and the SMS carrier down when the reminder goes out
    claim = services.claim_decide(
        actor=brand_staff, claim=claim_in_review, decision="ask_more", reason="请拍摄序列号标签"
    )
    assert claim.respond_by is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.claim_reminders_send(now=claim.respond_by - dt.timedelta(hours=6)) == 1
    job = Job.objects.get(kind="anxin.evidence.tasks.claim_reminder_text")
    assert job.status == JobStatus.PENDING and job.attempts == 1 and "ConnectionError" in job.last_error
    assert Notification.objects.get(kind="claim_reminder").sent_at is None

    # When the carrier is back and the job's retry comes due
    sms_outage.unlink()
    assert jobs.job_run(job_id=job.pk, now=job.next_attempt_at) == "done"
    assert jobs.job_run(job_id=job.pk, now=job.next_attempt_at + dt.timedelta(hours=1)) == "skipped"

    # Then the buyer got exactly one text, on the same message row
    note = Notification.objects.get(kind="claim_reminder")
    assert note.job_id == job.pk and note.sent_at is not None and note.error == ""
    assert len((sms_outage.parent / "sms.txt").read_text(encoding="utf-8").splitlines()) == 1


def test_a_reminder_job_sends_nothing_once_the_buyer_has_answered(claim_in_review, brand_staff):
    claim = services.claim_decide(
        actor=brand_staff, claim=claim_in_review, decision="ask_more", reason="请拍摄序列号标签"
    )
    assert claim.respond_by is not None
    services.claim_reminders_send(now=claim.respond_by - dt.timedelta(hours=6))  # job row, not yet run
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.ANALYZING)  # new evidence arrived

    job = Job.objects.get(kind="anxin.evidence.tasks.claim_reminder_text")
    assert jobs.job_run(job_id=job.pk) == "done"
    assert not Notification.objects.filter(kind="claim_reminder").exists()


def test_the_merchant_is_reminded_on_the_timeline_and_a_decision_clears_the_deadline(
    claim_in_review, brand_staff
):
    assert services.claim_reminders_send(now=claim_in_review.respond_by + dt.timedelta(hours=1)) == 1
    reminder = ClaimEvent.objects.get(claim=claim_in_review, kind=EventKind.REMINDED)
    assert "merchant" in reminder.reason and "overdue" in reminder.reason
    assert not Notification.objects.filter(kind="claim_reminder").exists()
    decided = services.claim_decide(
        actor=brand_staff, claim=claim_in_review, decision="reject", reason="照片非实拍"
    )
    assert decided.respond_by is None


def test_the_queue_marks_overdue_claims(claim_in_review, brand_staff, client):
    Claim.objects.filter(pk=claim_in_review.pk).update(respond_by=timezone.now() - dt.timedelta(hours=1))
    client.force_login(brand_staff)
    assert 'data-overdue="1"' in client.get("/claims/queue/").content.decode()
