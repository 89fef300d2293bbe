import datetime as dt
import json
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.evidence import services
from anxin.evidence.choices import ClaimStatus, EventKind, EvidenceKind, Risk
from anxin.evidence.models import Claim, ClaimEvent

from .factories import forged_bytes, genuine_bytes, make_buyer, make_claim, make_rule


def _upload(claim, buyer, data, capture, kind=EvidenceKind.CLAIM_PHOTO):
    with capture(execute=True):
        evidence = services.evidence_add(actor=buyer, claim=claim, kind=kind, data=data, filename="photo.jpg")
    claim.refresh_from_db()
    return evidence


def test_it_creates_a_claim_with_a_submitted_event(buyer, brand, product_model):
    claim = make_claim(buyer=buyer, brand=brand, product_model=product_model)

    assert claim.status == ClaimStatus.SUBMITTED
    assert list(claim.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]


def test_it_rejects_a_claim_above_the_amount_paid(buyer, brand):
    with pytest.raises(ValidationFailed) as error:
        make_claim(buyer=buyer, brand=brand, amount="300.00")

    assert error.value.field == "amount_claimed"


def test_it_rejects_a_claim_after_the_deadline(buyer, brand):
    make_rule(brand=brand)

    with pytest.raises(ValidationFailed):
        services.claim_create(
            actor=buyer,
            buyer=buyer.customer,
            brand=brand,
            claim_type="refund_only",
            order_number="X",
            amount_paid=Decimal("10"),
            amount_claimed=Decimal("10"),
            delivered_at=timezone.now() - dt.timedelta(days=30),
        )


def test_it_rejects_a_buyer_claiming_for_someone_else(buyer, brand):
    other = make_buyer("other")

    with pytest.raises(PermissionDenied):
        services.claim_create(
            actor=buyer,
            buyer=other.customer,
            brand=brand,
            claim_type="refund_only",
            order_number="X",
            amount_paid=Decimal("10"),
            amount_claimed=Decimal("10"),
        )


def test_it_keeps_the_file_as_received_with_its_hash(
    buyer, brand, listed_model, django_capture_on_commit_callbacks
):
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)
    data = genuine_bytes()

    evidence = _upload(claim, buyer, data, django_capture_on_commit_callbacks)

    with evidence.file.open("rb") as handle:
        assert handle.read() == data
    import hashlib

    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)


def test_it_rejects_a_file_that_is_not_an_image(buyer, brand):
    claim = make_claim(buyer=buyer, brand=brand)

    with pytest.raises(ValidationFailed):
        services.evidence_add(
            actor=buyer, claim=claim, kind=EvidenceKind.CLAIM_PHOTO, data=b"not an image", filename="x.jpg"
        )


def test_a_genuine_photo_is_low_risk_and_auto_approved_under_the_rule(
    buyer, brand, listed_model, django_capture_on_commit_callbacks
):
    make_rule(brand=brand)
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)

    _upload(claim, buyer, genuine_bytes(), django_capture_on_commit_callbacks)

    assert claim.risk == Risk.LOW
    assert claim.status == ClaimStatus.APPROVED
    assert claim.events.filter(kind=EventKind.AUTO_APPROVED).exists()


def test_a_forged_listing_photo_is_high_risk_and_never_auto_approved(
    buyer, brand, listed_model, django_capture_on_commit_callbacks
):
    make_rule(brand=brand)
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)

    evidence = _upload(claim, buyer, forged_bytes(), django_capture_on_commit_callbacks)

    assert claim.risk == Risk.HIGH
    assert claim.status == ClaimStatus.REVIEW
    analysis = evidence.analysis
    assert "reference_match" in [s["check"] for s in analysis.signals["signals"] if s["strength"] == "strong"]
    assert analysis.heatmap


def test_a_low_risk_claim_above_the_limit_waits_for_a_person(
    buyer, brand, listed_model, django_capture_on_commit_callbacks
):
    make_rule(brand=brand, limit="50.00")
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)

    _upload(claim, buyer, genuine_bytes(), django_capture_on_commit_callbacks)

    assert claim.status == ClaimStatus.REVIEW


def test_the_same_photo_in_another_claim_is_caught_by_the_persisted_index(
    buyer, brand, listed_model, django_capture_on_commit_callbacks
):
    first = make_claim(buyer=buyer, brand=brand, product_model=listed_model)
    _upload(first, buyer, genuine_bytes(), django_capture_on_commit_callbacks)
    second = make_claim(buyer=make_buyer("second"), brand=brand, product_model=listed_model)

    evidence = _upload(second, second.buyer.user, genuine_bytes(), django_capture_on_commit_callbacks)

    reuse = next(s for s in evidence.analysis.signals["signals"] if s["check"] == "reuse")
    assert reuse["finding"] == "reused"
    assert reuse["details"]["matches"][0]["key"].startswith(first.number)
    assert second.risk == Risk.HIGH


def test_analysis_is_idempotent(buyer, brand, listed_model, django_capture_on_commit_callbacks):
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)
    evidence = _upload(claim, buyer, genuine_bytes(), django_capture_on_commit_callbacks)

    again = services.evidence_analyze(file_id=evidence.pk)

    assert again is not None
    assert again.pk == evidence.analysis.pk
    assert claim.events.filter(kind=EventKind.ANALYZED).count() == 1


def test_staff_of_another_brand_cannot_decide(buyer, brand, other_brand, db):
    from anxin.accounts.models import User

    claim = make_claim(buyer=buyer, brand=brand)
    stranger = User.objects.create_user(username="s2", password="x", role="brand_staff")
    stranger.brands.add(other_brand)

    with pytest.raises(PermissionDenied):
        services.claim_decide(actor=stranger, claim=claim, decision="approve", reason="ok")


def test_a_second_decision_on_the_same_claim_conflicts(buyer, brand, brand_staff):
    claim = make_claim(buyer=buyer, brand=brand)
    stale = Claim.objects.get(pk=claim.pk)
    services.claim_decide(actor=brand_staff, claim=claim, decision="reject", reason="照片为网图")

    with pytest.raises(Conflict):
        services.claim_decide(actor=brand_staff, claim=stale, decision="approve", reason="ok")


def test_rejecting_needs_a_reason(buyer, brand, brand_staff):
    claim = make_claim(buyer=buyer, brand=brand)

    with pytest.raises(ValidationFailed):
        services.claim_decide(actor=brand_staff, claim=claim, decision="reject", reason="  ")


def test_the_buyer_may_appeal_within_the_deadline_and_the_platform_arbitrates(
    buyer, brand, brand_staff, admin_user
):
    claim = make_claim(buyer=buyer, brand=brand)
    claim = services.claim_decide(actor=brand_staff, claim=claim, decision="reject", reason="照片与商品不符")

    claim = services.claim_appeal(actor=buyer, claim=claim, reason="这是我自己拍的照片")
    claim = services.claim_arbitrate(
        actor=admin_user, claim=claim, decision="approve", reason="买家提供了开箱视频"
    )

    assert claim.status == ClaimStatus.APPROVED
    kinds = list(claim.events.values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.DECIDED, EventKind.APPEALED, EventKind.ARBITRATED]


def test_an_appeal_after_the_deadline_is_refused(buyer, brand, brand_staff):
    claim = make_claim(buyer=buyer, brand=brand)
    claim = services.claim_decide(actor=brand_staff, claim=claim, decision="reject", reason="不符")
    Claim.objects.filter(pk=claim.pk).update(appeal_deadline=timezone.now() - dt.timedelta(minutes=1))
    claim.refresh_from_db()

    with pytest.raises(ValidationFailed):
        services.claim_appeal(actor=buyer, claim=claim, reason="晚了")


def test_only_the_platform_arbitrates(buyer, brand, brand_staff):
    claim = make_claim(buyer=buyer, brand=brand)
    claim = services.claim_decide(actor=brand_staff, claim=claim, decision="reject", reason="不符")
    claim = services.claim_appeal(actor=buyer, claim=claim, reason="不同意")

    with pytest.raises(PermissionDenied):
        services.claim_arbitrate(actor=brand_staff, claim=claim, decision="reject", reason="维持")


def test_the_bundle_holds_originals_hashes_report_and_timeline(
    buyer, brand, brand_staff, listed_model, django_capture_on_commit_callbacks
):
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)
    data = forged_bytes()
    evidence = _upload(claim, buyer, data, django_capture_on_commit_callbacks)

    archive = zipfile.ZipFile(services.claim_bundle(claim=claim, viewer=brand_staff))

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest[0]["sha256"] == evidence.sha256
    assert archive.read(manifest[0]["path"]) == data
    assert f"heatmaps/{evidence.pk}.png" in archive.namelist()
    assert claim.number in archive.read("report.html").decode()
    timeline = json.loads(archive.read("timeline.json"))
    assert [e["kind"] for e in timeline][0] == EventKind.SUBMITTED
    assert evidence.sha256 in archive.read("SHA256SUMS").decode()
    assert ClaimEvent.objects.filter(claim=claim).count() == len(timeline)
