"""The buyer hears how their claim was decided: one SMS in their language, with the claim's page."""

import pytest

from anxin.evidence import services
from anxin.evidence.choices import ClaimStatus, EventKind
from anxin.evidence.models import Claim
from anxin.notifications.models import Job, Notification

from .factories import make_buyer, make_claim, make_rule

JOB = "anxin.evidence.tasks.claim_decided_text"


@pytest.fixture
def claim_in_review(db, brand):
    make_rule(brand=brand, auto_approve=False)
    claim = make_claim(buyer=make_buyer(), brand=brand)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.ANALYZING)
    claim.refresh_from_db()
    return services._transition(
        claim=claim,
        allowed_from={ClaimStatus.ANALYZING},
        new=ClaimStatus.REVIEW,
        kind=EventKind.ANALYZED,
        actor=None,
    )


def test_a_decision_texts_the_buyer_once_with_the_claim_page(
    claim_in_review, brand_staff, settings, django_capture_on_commit_callbacks
):
    settings.ANXIN_QUIET_HOURS_START = settings.ANXIN_QUIET_HOURS_END = 0  # no quiet hours in this test
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_decide(
            actor=brand_staff, claim=claim_in_review, decision="reject", reason="超出退货期"
        )
    assert Job.objects.filter(kind=JOB).count() == 1
    text = Notification.objects.get(kind="claim_decided")
    assert claim_in_review.number in text.body and "已拒绝" in text.body
    assert f"/claims/{claim_in_review.number}/" in text.body
    assert text.sent_at is not None


def test_an_analysis_step_is_not_a_decision(claim_in_review):
    assert not Job.objects.filter(kind=JOB).exists()
