import tempfile
from pathlib import Path

import cv2
import numpy as np

from anxin.evidence import services, video
from anxin.evidence.choices import EvidenceKind, Risk
from anxin.testing import evidence_photos as T

from .factories import MODEL_SEED, make_buyer, make_claim


def _clip(photo: np.ndarray, frames: int = 12) -> bytes:
    """An unboxing-style clip: the same shot with fresh sensor noise in every frame."""
    rng = np.random.default_rng(0)
    height, width = photo.shape[:2]
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "ship.mp4")
        writer = cv2.VideoWriter(path, cv2.VideoWriter.fourcc(*"mp4v"), 10, (width, height))
        for _ in range(frames):
            writer.write(np.clip(photo + rng.normal(0, 2, photo.shape), 0, 255).astype(np.uint8))
        writer.release()
        return Path(path).read_bytes()


def test_it_extracts_evenly_spread_frames():
    photo = T.render(T.make_model(MODEL_SEED), np.random.default_rng(4))

    extracted = video.frames(_clip(photo), count=4)

    assert len(extracted) == 4
    assert extracted[0].shape == photo.shape


def test_it_returns_no_frames_for_bytes_that_are_not_video():
    assert video.frames(b"not a video") == []


def test_a_claim_photo_painted_on_a_shipping_video_frame_is_caught(
    db, brand, product_model, brand_staff, django_capture_on_commit_callbacks
):
    buyer = make_buyer()
    claim = make_claim(buyer=buyer, brand=brand, product_model=product_model)
    shipped = T.render(T.make_model(MODEL_SEED), np.random.default_rng(4))
    clip = _clip(shipped)
    services.evidence_add(
        actor=brand_staff, claim=claim, kind=EvidenceKind.SHIPPING_VIDEO, data=clip, filename="ship.mp4"
    )
    frame = video.frames(clip, count=1)[0]
    forged = T.encode(T.draw_stain(frame, np.random.default_rng(3), opacity=0.7), quality=88)

    with django_capture_on_commit_callbacks(execute=True):
        evidence = services.evidence_add(
            actor=buyer, claim=claim, kind=EvidenceKind.CLAIM_PHOTO, data=forged, filename="d.jpg"
        )

    claim.refresh_from_db()
    match = next(s for s in evidence.analysis.signals["signals"] if s["check"] == "reference_match")
    assert claim.risk == Risk.HIGH
    assert "frame" in match["details"]["best"]["reference"]


def test_a_shipping_video_uploaded_after_the_claim_photo_triggers_a_new_analysis(
    db, brand, product_model, brand_staff, django_capture_on_commit_callbacks
):
    # Given a claim photo painted on the shipping photo, analysed before the merchant's video arrived
    buyer = make_buyer()
    claim = make_claim(buyer=buyer, brand=brand, product_model=product_model)
    shipped = T.render(T.make_model(MODEL_SEED), np.random.default_rng(4))
    clip = _clip(shipped)
    frame = video.frames(clip, count=1)[0]
    forged = T.encode(T.draw_stain(frame, np.random.default_rng(3), opacity=0.7), quality=88)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = services.evidence_add(
            actor=buyer, claim=claim, kind=EvidenceKind.CLAIM_PHOTO, data=forged, filename="d.jpg"
        )
    first = evidence.analysis.pk

    # When the merchant uploads the shipping video
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_add(
            actor=brand_staff, claim=claim, kind=EvidenceKind.SHIPPING_VIDEO, data=clip, filename="ship.mp4"
        )

    # Then the photo is analysed again against its frames and the claim's risk follows
    evidence.refresh_from_db()
    claim.refresh_from_db()
    assert evidence.analysis.pk != first
    match = next(s for s in evidence.analysis.signals["signals"] if s["check"] == "reference_match")
    assert "frame" in match["details"]["best"]["reference"]
    assert claim.risk == Risk.HIGH
