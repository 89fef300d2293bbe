"""The analysis engine: run every check on one claim image and combine them into a risk level.

Pure Python, no database: the Huey task, the management command and the benchmark all call
``analyze``. Combination rule (kept simple so a merchant can follow it):
  * any strong signal -> high risk;
  * any medium signal -> medium risk;
  * otherwise low. Only low risk may ever be auto-approved.
Weak signals (missing EXIF, ELA, noise) are listed as supporting reasons but never flag on their
own, however many fire: a genuine screenshot or chat-app photo trips all three (issue #15).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from .detectors import (
    aigc_label,
    c2pa_manifest,
    editing_software,
    ela,
    exif_camera,
    noise,
    reference_match,
    reuse,
    watermark,
)
from .detectors.base import STRENGTH_ORDER, EvidenceImage, Signal, Strength, downscale
from .hashindex import FeatureIndex, HashIndex, ImageHashes, compute_hashes


class Risk:
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass
class Report:
    risk: str
    signals: list[Signal]
    hashes: ImageHashes
    heatmap: np.ndarray | None = field(default=None, repr=False)
    seconds: float = 0.0

    @property
    def reasons(self) -> list[Signal]:
        flagged = [s for s in self.signals if s.strength != Strength.NONE]
        return sorted(flagged, key=lambda s: -STRENGTH_ORDER[s.strength])

    @property
    def auto_approvable(self) -> bool:
        return self.risk == Risk.LOW

    def as_dict(self) -> dict[str, Any]:
        return {
            "risk": self.risk,
            "auto_approvable": self.auto_approvable,
            "reasons": [s.message for s in self.reasons],
            "reasons_zh": [s.message_zh for s in self.reasons],
            "signals": [s.as_dict() for s in self.signals],
            "phash": f"{self.hashes.phash:016x}",
            "dhash": f"{self.hashes.dhash:016x}",
            "seconds": round(self.seconds, 4),
        }


def combine(signals: list[Signal]) -> str:
    strengths = [s.strength for s in signals]
    if Strength.STRONG in strengths:
        return Risk.HIGH
    if Strength.MEDIUM in strengths:
        return Risk.MEDIUM
    return Risk.LOW


def image_hashes(image: EvidenceImage, small: np.ndarray | None = None) -> ImageHashes:
    """The reuse-index key of a picture (computed on the upright working copy at MATCH_SIDE).

    ``small`` is that copy when the caller already has it.
    """
    if small is None:
        small = downscale(image.bgr, reference_match.MATCH_SIDE)
    return compute_hashes(cv2.cvtColor(small, cv2.COLOR_BGR2RGB))


def analyze(
    image: EvidenceImage,
    *,
    references: reference_match.ReferenceSet | None = None,
    index: HashIndex | None = None,
    exclude_keys: tuple[str, ...] = (),
    received_at: dt.datetime | None = None,
    want_heatmap: bool = True,
    feature_index: FeatureIndex | None = None,
    load_earlier: reuse.ImageLoader | None = None,
) -> Report:
    """Every check on one picture. ``exclude_keys`` keeps the picture's own index entry out of reuse.

    ``feature_index`` (earlier evidence as local features, loaded once per process) finds reuse
    after crops, mirroring and filters; ``load_earlier(key)`` returns an earlier photo's pixels so
    a candidate is verified before it is called a reuse.
    """
    started = time.perf_counter()
    # One downscaled copy serves the hashes and the reference match (which would make it again).
    small = downscale(image.bgr, reference_match.MATCH_SIDE)
    hashes = image_hashes(image, small)
    references = references or reference_match.ReferenceSet()
    matches = reference_match.match(small, hashes, references)
    signals = [
        aigc_label.check(image),
        c2pa_manifest.check(image),
        watermark.check(image),
        editing_software.check(image),
        reference_match.check(matches, len(references)),
        reuse.check(
            hashes,
            index,
            exclude=exclude_keys,
            feature_index=feature_index,
            claim_bgr=image.bgr,
            loader=load_earlier,
        ),
        exif_camera.check(image, received_at=received_at),
        ela.check(image),
        noise.check(image),
    ]
    heat = reference_match.heatmap(matches[0]) if want_heatmap and matches else None
    return Report(
        risk=combine(signals),
        signals=signals,
        hashes=hashes,
        heatmap=heat,
        seconds=time.perf_counter() - started,
    )
