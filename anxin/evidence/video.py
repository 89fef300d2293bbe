"""Still frames from an evidence video (a shipping/unboxing clip), for use as reference pictures."""

from __future__ import annotations

import os
import tempfile

import cv2
import numpy as np


def frames(data: bytes, *, count: int = 6) -> list[np.ndarray]:
    """Up to ``count`` frames spread evenly over the clip; empty if OpenCV cannot decode it."""
    # OpenCV's FFmpeg backend reads from a path, not from memory.
    handle, path = tempfile.mkstemp(suffix=".video")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        capture = cv2.VideoCapture(path)
        if not capture.isOpened():
            return []
        total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        picked: list[np.ndarray] = []
        positions = np.linspace(0, max(total - 1, 0), num=min(count, max(total, 1))).astype(int)
        for position in positions:
            capture.set(cv2.CAP_PROP_POS_FRAMES, int(position))
            ok, frame = capture.read()
            if ok and frame is not None:
                picked.append(frame)
        capture.release()
        return picked
    finally:
        os.unlink(path)
