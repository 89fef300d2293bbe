import numpy as np

from anxin.evidence.analysis import Risk, analyze, combine
from anxin.evidence.detectors.base import EvidenceImage, Signal, Strength
from anxin.evidence.hashindex import HashIndex
from anxin.testing import evidence_photos as T


def _signal(check: str, strength: Strength) -> Signal:
    return Signal(check, "x", strength, "m", "m")


def test_one_strong_signal_makes_the_risk_high():
    assert combine([_signal("a", Strength.STRONG), _signal("b", Strength.NONE)]) == Risk.HIGH


def test_one_medium_signal_makes_the_risk_medium():
    assert combine([_signal("a", Strength.MEDIUM)]) == Risk.MEDIUM


def test_weak_signals_never_flag_on_their_own_however_many_fire():
    weak = [_signal(check, Strength.WEAK) for check in ("exif_camera", "ela", "noise", "editing_software")]

    assert combine(weak) == Risk.LOW


def test_weak_signals_still_appear_as_reasons_beside_a_strong_one():
    signals = [_signal("ela", Strength.WEAK), _signal("reference_match", Strength.STRONG)]

    assert combine(signals) == Risk.HIGH


def test_a_genuine_screenshot_is_not_flagged():
    rng = np.random.default_rng(11)
    shot = T.screenshot(T.render(T.make_model(21), rng), rng)

    report = analyze(EvidenceImage(T.encode(shot, "PNG")))

    assert report.risk == Risk.LOW, report.as_dict()["reasons"]


def test_a_genuine_photo_is_low_risk_and_may_be_auto_approved(genuine_photo, references):
    height, width = genuine_photo.shape[:2]
    image = EvidenceImage(T.encode(genuine_photo, exif=T.camera_exif(size=(width, height))))

    report = analyze(image, references=references, index=HashIndex())

    assert report.risk == Risk.LOW, report.as_dict()["reasons"]
    assert report.auto_approvable


def test_a_labelled_ai_image_is_high_risk_even_without_references(other_photo):
    report = analyze(EvidenceImage(T.aigc_jpeg(other_photo)))

    assert report.risk == Risk.HIGH
    assert not report.auto_approvable
    assert report.reasons[0].check == "aigc_label"


def test_the_report_serializes_with_chinese_reasons(listing, references):
    forged = T.draw_stain(listing, np.random.default_rng(1))

    data = analyze(EvidenceImage(T.encode(forged)), references=references).as_dict()

    assert data["risk"] == "high"
    assert any("商家" in reason for reason in data["reasons_zh"])
    assert len(data["phash"]) == 16
