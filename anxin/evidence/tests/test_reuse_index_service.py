"""A claim photo reused after a crop is caught through the service path, via the persisted index."""

from __future__ import annotations

import json

import numpy as np
import pytest

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.evidence import presenters, services
from anxin.evidence.choices import EvidenceKind, Risk
from anxin.evidence.featurestore import FeatureStore
from anxin.testing import evidence_photos as T

from .factories import MODEL_SEED, make_buyer, make_claim


def _photo(seed: int) -> np.ndarray:
    return T.render(T.make_model(MODEL_SEED), np.random.default_rng(seed), damage="crack")


def _jpeg(pixels: np.ndarray, quality: int = 90) -> bytes:
    height, width = pixels.shape[:2]
    return T.encode(pixels, quality=quality, exif=T.camera_exif(size=(width, height)))


def _cropped_and_recompressed(pixels: np.ndarray) -> bytes:
    """20 % of the frame cropped off (89.4 % of each side kept) and saved again at JPEG quality 60."""
    return _jpeg(T.crop(pixels, np.random.default_rng(4), keep=0.8**0.5), quality=60)


def _upload(claim, actor, data, capture):
    with capture(execute=True):
        evidence = services.evidence_add(
            actor=actor, claim=claim, kind=EvidenceKind.CLAIM_PHOTO, data=data, filename="p.jpg"
        )
    claim.refresh_from_db()
    evidence.refresh_from_db()
    return evidence


def _reuse(evidence) -> dict:
    return next(s for s in evidence.analysis.signals["signals"] if s["check"] == "reuse")


@pytest.fixture
def earlier(db, brand, django_capture_on_commit_callbacks):
    buyer = make_buyer("first")
    claim = make_claim(buyer=buyer, brand=brand)
    evidence = _upload(claim, buyer, _jpeg(_photo(2)), django_capture_on_commit_callbacks)
    return claim, evidence


def test_a_cropped_recompressed_copy_of_an_earlier_claim_photo_is_flagged_as_reused(
    earlier, brand, django_capture_on_commit_callbacks
):
    first, first_photo = earlier
    buyer = make_buyer("second")
    claim = make_claim(buyer=buyer, brand=brand)

    evidence = _upload(claim, buyer, _cropped_and_recompressed(_photo(2)), django_capture_on_commit_callbacks)

    reuse = _reuse(evidence)
    assert reuse["finding"] == "reused"
    assert reuse["details"]["matches"][0]["key"] == f"{first.number}/{first_photo.pk}"
    assert reuse["details"]["matches"][0]["inliers"] >= 6  # found by local features, not by pHash
    assert any(first.number in reason for reason in evidence.analysis.signals["reasons_zh"])
    assert claim.risk == Risk.HIGH


def test_a_different_photo_of_the_same_model_is_not_flagged_as_reused(
    earlier, brand, django_capture_on_commit_callbacks
):
    buyer = make_buyer("second")
    claim = make_claim(buyer=buyer, brand=brand)

    evidence = _upload(claim, buyer, _jpeg(_photo(9)), django_capture_on_commit_callbacks)

    assert _reuse(evidence)["finding"] != "reused"


def test_every_analysed_claim_photo_is_added_to_the_persisted_index(earlier, reuse_index_dir):
    claim, evidence = earlier

    index = FeatureStore(reuse_index_dir).index()  # a fresh process's view, read from disk

    assert f"{claim.number}/{evidence.pk}" in index


def test_reanalysis_does_not_add_the_photo_twice(earlier, reuse_index_dir):
    claim, evidence = earlier

    services.evidence_analyze(file_id=evidence.pk, refresh=True)

    assert FeatureStore(reuse_index_dir).index().keys == [f"{claim.number}/{evidence.pk}"]


def test_a_photo_is_not_reused_from_its_own_claim(earlier, django_capture_on_commit_callbacks):
    claim, _ = earlier

    second = _upload(
        claim, claim.buyer.user, _cropped_and_recompressed(_photo(2)), django_capture_on_commit_callbacks
    )

    assert _reuse(second)["finding"] != "reused"


def test_the_match_key_and_reason_are_redacted_for_staff_of_another_brand(
    earlier, other_brand, django_capture_on_commit_callbacks
):
    first, _ = earlier
    buyer = make_buyer("second")
    later = make_claim(buyer=buyer, brand=other_brand)
    evidence = _upload(later, buyer, _cropped_and_recompressed(_photo(2)), django_capture_on_commit_callbacks)
    viewer = User.objects.create_user(username="otherstaff", password="pw", role=Role.BRAND_STAFF)
    viewer.brands.add(other_brand)
    signals = evidence.analysis.signals
    assert first.number in json.dumps(signals)  # the engine names the earlier claim

    shown = presenters.redact_claim_refs(
        signals, presenters.claim_numbers_visible(viewer, [json.dumps(signals)])
    )
    row = presenters.evidence_row(evidence, viewer=viewer)

    assert first.number not in json.dumps(shown, ensure_ascii=False)
    assert _reuse_in(shown)["details"]["matches"][0]["key"] == presenters.OTHER_BRAND_CLAIM
    assert first.number not in " ".join(row["reasons"])
    assert presenters.OTHER_BRAND_CLAIM in " ".join(row["reasons"])


def _reuse_in(signals: dict) -> dict:
    return next(s for s in signals["signals"] if s["check"] == "reuse")
