import json

import cv2
import numpy as np
from django.core.management import call_command

from anxin.testing import evidence_photos as T


def test_it_prints_signals_and_risk_as_json_and_writes_the_heatmap(tmp_path, listing, capsys):
    references = tmp_path / "refs"
    references.mkdir()
    (references / "listing.jpg").write_bytes(T.encode(listing))
    claim = tmp_path / "claim.jpg"
    claim.write_bytes(T.encode(T.draw_crack(listing, np.random.default_rng(4), width=3)))
    heatmap = tmp_path / "heat.png"

    call_command(
        "analyze_evidence",
        "--reference",
        str(references),
        "--claim",
        str(claim),
        "--json",
        "--heatmap",
        str(heatmap),
    )

    result = json.loads(capsys.readouterr().out)
    assert result["risk"] == "high"
    assert {s["check"] for s in result["signals"]} >= {"aigc_label", "c2pa", "reference_match", "exif_camera"}
    assert cv2.imread(str(heatmap)) is not None


def test_it_prints_a_readable_summary_without_json(tmp_path, genuine_photo, listing, capsys):
    reference = tmp_path / "listing.jpg"
    reference.write_bytes(T.encode(listing))
    claim = tmp_path / "claim.jpg"
    claim.write_bytes(T.encode(genuine_photo))

    call_command("analyze_evidence", "--reference", str(reference), "--claim", str(claim))

    out = capsys.readouterr().out
    assert "risk: low" in out


def _reuse(result: dict) -> dict:
    return next(s for s in result["signals"] if s["check"] == "reuse")


def test_a_seen_photo_cropped_and_recompressed_is_reported_as_reused(tmp_path, genuine_photo, capsys):
    seen = tmp_path / "seen.jpg"
    seen.write_bytes(T.encode(genuine_photo))
    claim = tmp_path / "claim.jpg"
    cropped = T.crop(genuine_photo, np.random.default_rng(1), keep=0.8**0.5)
    claim.write_bytes(T.encode(cropped, quality=60))

    call_command("analyze_evidence", "--seen", str(seen), "--claim", str(claim), "--json")

    reuse = _reuse(json.loads(capsys.readouterr().out))
    assert reuse["finding"] == "reused"
    assert reuse["details"]["matches"][0]["key"] == "seen.jpg"


def test_use_index_checks_the_persisted_reuse_index(db, tmp_path, genuine_photo, capsys, reuse_index_dir):
    from anxin.evidence.featurestore import FeatureStore
    from anxin.evidence.hashindex import local_features

    FeatureStore(reuse_index_dir).add("CL261202AAAAAA/1", local_features(genuine_photo))
    claim = tmp_path / "claim.jpg"
    claim.write_bytes(T.encode(T.crop(genuine_photo, np.random.default_rng(1), keep=0.8**0.5), quality=60))

    call_command("analyze_evidence", "--use-index", "--claim", str(claim), "--json")

    # The indexed photo's file is not in storage here, so it is a candidate that cannot be verified.
    reuse = _reuse(json.loads(capsys.readouterr().out))
    assert reuse["finding"] == "similar"
    assert reuse["details"]["candidates"][0]["key"] == "CL261202AAAAAA/1"
