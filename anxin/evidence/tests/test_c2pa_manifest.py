import pytest

from anxin.evidence.detectors import c2pa_manifest
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.testing import evidence_photos as T

from .c2pa_support import make_signer, sign_jpeg


@pytest.fixture(scope="module")
def signer():
    return make_signer()


def test_it_flags_a_signed_manifest_that_declares_ai_generation(other_photo, signer):
    data = sign_jpeg(T.encode(other_photo), signer, source_type="trainedAlgorithmicMedia")

    signal = c2pa_manifest.check(EvidenceImage(data))

    assert signal.strength == Strength.STRONG
    assert signal.details["digital_source_types"] == ["trainedAlgorithmicMedia"]
    assert signal.details["signer"]["common_name"] == "Anxin test signer"


def test_it_flags_a_composite_with_ai_edits(other_photo, signer):
    data = sign_jpeg(
        T.encode(other_photo),
        signer,
        source_type="compositeWithTrainedAlgorithmicMedia",
    )

    assert c2pa_manifest.check(EvidenceImage(data)).finding == "ai_declared"


def test_it_does_not_flag_a_camera_capture_manifest(genuine_photo, signer):
    data = sign_jpeg(T.encode(genuine_photo), signer, source_type="digitalCapture")

    signal = c2pa_manifest.check(EvidenceImage(data))

    assert signal.strength == Strength.NONE
    assert signal.finding == "present"


def test_it_reports_pixels_changed_after_signing(genuine_photo, signer):
    data = bytearray(sign_jpeg(T.encode(genuine_photo, quality=95), signer, source_type="digitalCapture"))
    # Flip bytes well inside the entropy-coded image data, after the manifest.
    for offset in range(len(data) - 4000, len(data) - 3000, 97):
        data[offset] ^= 0x55

    signal = c2pa_manifest.check(EvidenceImage(bytes(data)))

    assert signal.finding == "tampered"
    assert signal.strength == Strength.MEDIUM


def test_it_reports_no_manifest_on_a_plain_photo(genuine_photo):
    assert c2pa_manifest.check(EvidenceImage(T.encode(genuine_photo))).finding == "absent"
