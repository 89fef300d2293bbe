"""Test data of the live video: a small WebM such as MediaRecorder uploads."""

from __future__ import annotations

import io

import av
import numpy as np


def webm_bytes(*, frames: int = 10, rate: int = 10) -> bytes:
    """A VP8 WebM of ``frames`` frames at ``rate`` fps (64×48), encoded by PyAV."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for n in range(frames):
            picture = np.full((48, 64, 3), (n * 25) % 256, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
