import datetime as dt

import cv2
import numpy as np

from anxin.evidence.detectors import ela, exif_camera, noise
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.testing import evidence_photos as T


def test_missing_camera_metadata_is_only_weak(genuine_photo):
    signal = exif_camera.check(EvidenceImage(T.encode(genuine_photo)))

    assert signal.finding == "missing"
    assert signal.strength == Strength.WEAK


def test_consistent_camera_metadata_is_not_flagged(genuine_photo):
    height, width = genuine_photo.shape[:2]
    data = T.encode(genuine_photo, exif=T.camera_exif(size=(width, height)))

    signal = exif_camera.check(EvidenceImage(data))

    assert signal.strength == Strength.NONE
    assert signal.details["make"] == "HUAWEI"


def test_camera_metadata_copied_onto_a_resized_picture_is_inconsistent(genuine_photo):
    small = T.resize(genuine_photo, 0.5)
    data = T.encode(small, exif=T.camera_exif(size=(4096, 3072)))

    signal = exif_camera.check(EvidenceImage(data))

    assert signal.finding == "inconsistent"
    assert "4096x3072" in signal.message


def test_a_capture_time_after_receipt_is_inconsistent(genuine_photo):
    data = T.encode(genuine_photo, exif=T.camera_exif(taken="2030:01:01 08:00:00"))
    received = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)

    assert exif_camera.check(EvidenceImage(data), received_at=received).finding == "inconsistent"


def _noisy_photo(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = T.render(T.make_model(seed), rng)
    return np.clip(base.astype(np.float32) + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)


def test_noise_flags_a_smooth_painted_patch_on_a_noisy_photo():
    photo = _noisy_photo(1)
    painted = photo.copy()
    cv2.rectangle(painted, (330, 230), (450, 330), (70, 60, 50), -1)  # clean paint, no sensor noise

    assert noise.check(EvidenceImage(T.encode(painted, quality=95))).finding == "inconsistent"


def test_noise_does_not_flag_a_uniformly_noisy_photo():
    assert noise.check(EvidenceImage(T.encode(_noisy_photo(1), quality=95))).strength == Strength.NONE


def test_ela_flags_a_retouched_region_in_a_picture_saved_at_the_same_quality(genuine_photo):
    resaved = T.recompress(genuine_photo, 90)  # a q90 picture barely changes when saved at q90 again
    forged = resaved.copy()
    region = forged[160:352, 256:512].astype(np.float32)
    grain = cv2.GaussianBlur(
        np.random.default_rng(0).normal(0, 8, region.shape).astype(np.float32), (0, 0), 0.6
    )
    forged[160:352, 256:512] = np.clip(region + grain, 0, 255).astype(np.uint8)  # edited after compression

    assert ela.check(EvidenceImage(T.encode(forged, "PNG"))).finding == "local_recompression"
    assert ela.check(EvidenceImage(T.encode(resaved, "PNG"))).strength == Strength.NONE


def test_ela_does_not_flag_a_photo_compressed_once(genuine_photo):
    assert ela.check(EvidenceImage(T.encode(genuine_photo, quality=85))).strength == Strength.NONE
