import json

import cv2
import numpy as np
from django.core.management import call_command

from anxin.evidence import testing as T


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
