"""Error-level analysis: a region pasted or painted into a JPEG recompresses differently.

We re-save the working copy at quality 90 and look for a compact cluster of 16x16 blocks whose
error is far above the picture's own distribution. ELA is easily fooled by texture and by a
global recompression, so it is only ever a weak, supporting signal.
"""

from __future__ import annotations

import cv2
import numpy as np

from .base import EvidenceImage, Signal, Strength

CHECK = "ela"
BLOCK = 16
Z_THRESHOLD = 25.0  # tuned on benchmark seed 1: lower values fire on most honest phone photos
MIN_AREA, MAX_AREA = 0.01, 0.25


def block_scores(bgr: np.ndarray, quality: int = 90) -> np.ndarray:
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        return np.zeros((0, 0))
    again = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    assert again is not None  # decoding what imencode just wrote
    b, g, r = cv2.split(cv2.absdiff(bgr, again))
    error = cv2.max(cv2.max(b, g), r).astype(np.float32)
    # Divide by local texture so busy regions do not dominate.
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    texture = np.abs(cv2.Laplacian(gray, cv2.CV_32F))
    rows, cols = gray.shape[0] // BLOCK, gray.shape[1] // BLOCK
    if not rows or not cols:
        return np.zeros((rows, cols), np.float32)
    crop = (slice(0, rows * BLOCK), slice(0, cols * BLOCK))
    # Area resampling by a whole factor is the mean of each BLOCK x BLOCK block.
    err = cv2.resize(error[crop], (cols, rows), interpolation=cv2.INTER_AREA)
    tex = cv2.resize(texture[crop], (cols, rows), interpolation=cv2.INTER_AREA)
    return err / (1.0 + tex)


def check(image: EvidenceImage) -> Signal:
    scores = block_scores(image.bgr)
    if scores.size < 64:
        return Signal(
            CHECK,
            "too_small",
            Strength.NONE,
            "Image too small for error-level analysis.",
            "图片过小，无法做误差水平分析。",
        )
    median = float(np.median(scores))
    mad = float(np.median(np.abs(scores - median))) * 1.4826 + 0.02  # floor: a re-saved picture has ~0 error
    outliers = ((scores - median) / mad > Z_THRESHOLD).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(outliers, connectivity=8)
    area = (stats[1:, cv2.CC_STAT_AREA].max() / scores.size) if count > 1 else 0.0
    details = {"largest_outlier_area": round(float(area), 4), "median": round(median, 3)}
    if MIN_AREA <= area <= MAX_AREA:
        return Signal(
            CHECK,
            "local_recompression",
            Strength.WEAK,
            f"One region ({area:.1%} of the picture) recompresses unlike the rest.",
            f"局部区域（占 {area:.1%}）的压缩误差与其余部分不同。",
            details,
        )
    return Signal(
        CHECK, "uniform", Strength.NONE, "Compression error is uniform.", "压缩误差分布均匀。", details
    )
