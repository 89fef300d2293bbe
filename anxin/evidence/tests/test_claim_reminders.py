"""Deadlines on both sides: who must act next, by when, and reminders before and after."""

import datetime as dt

import pytest
from django.utils import timezone

from anxin.evidence import services
from anxin.evidence.choices import ClaimStatus, EventKind
from anxin.evidence.models import Claim, ClaimEvent
from anxin.notifications.models import Notification

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
    claim_in_review, brand_staff
):
    claim = services.claim_decide(
        actor=brand_staff, claim=claim_in_review, decision="ask_more", reason="请拍摄序列号标签"
    )
    assert claim.status == ClaimStatus.MORE_EVIDENCE
    assert claim.respond_by is not None
    assert claim.respond_by - timezone.now() > dt.timedelta(days=2, hours=23)

    assert services.claim_reminders_send(now=claim.respond_by - dt.timedelta(days=1)) == 0  # too early
    assert services.claim_reminders_send(now=claim.respond_by - dt.timedelta(hours=6)) == 1
    assert services.claim_reminders_send(now=claim.respond_by - dt.timedelta(hours=5)) == 0  # once
    text = Notification.objects.get(kind="claim_reminder")
    assert claim.number in text.body and text.recipient == "13800000000"
    assert (
        services.claim_reminders_send(now=claim.respond_by + dt.timedelta(minutes=1)) == 1
    )  # overdue: once more
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.REMINDED).count() == 2


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
