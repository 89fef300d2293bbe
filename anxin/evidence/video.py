"""Evidence videos: accepted by their content, and still frames taken from them for reference pictures.

A file is a video if its bytes say so, never its name or the browser's content type. We accept the
ISO base media family that phones record (MP4, MOV, 3GP) and nothing else: its box structure is read
here first (brand, and every track's declared frame size against ``ANXIN_VIDEO_MAX_PIXELS``), and only
then is OpenCV's FFmpeg backend asked to open the file and decode one frame. FFmpeg never sees text
(an HLS playlist renamed ``.mp4`` would otherwise make it read other files), SVG or HTML.
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np
from django.conf import settings
from django.utils.translation import gettext

from anxin.core.exceptions import ValidationFailed

# ftyp major brands of video files. HEIF/AVIF stills (heic, mif1, avif, ...) share the container
# and are deliberately absent.
VIDEO_BRANDS = {
    b"isom": "video/mp4",
    b"iso2": "video/mp4",
    b"iso4": "video/mp4",
    b"iso5": "video/mp4",
    b"iso6": "video/mp4",
    b"mp41": "video/mp4",
    b"mp42": "video/mp4",
    b"avc1": "video/mp4",
    b"M4V ": "video/mp4",
    b"mmp4": "video/mp4",
    b"MSNV": "video/mp4",
    b"qt  ": "video/quicktime",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
    b"3gp6": "video/3gpp",
    b"3g2a": "video/3gpp2",
}
# Boxes we descend into to reach each track's header (tkhd) and sample descriptions (stsd).
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


@dataclass(frozen=True)
class VideoInfo:
    content_type: str
    width: int
    height: int
    frames: int


def container_type(data: bytes) -> str | None:
    """The MIME type of an accepted video container, from the first box; None for anything else."""
    if len(data) < 12 or data[4:8] != b"ftyp":
        return None
    return VIDEO_BRANDS.get(data[8:12])


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, body start, body end) of each ISO-BMFF box between ``start`` and ``end``."""
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        header = 8
        if size == 1:
            if position + 16 > end:
                return
            size = struct.unpack(">Q", data[position + 8 : position + 16])[0]
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            return  # truncated or lying box: stop walking
        yield kind, position + header, position + size
        position += size


def declared_frame_sizes(data: bytes) -> list[tuple[int, int]]:
    """Every (width, height) the file declares: track headers and visual sample entries."""
    sizes: list[tuple[int, int]] = []

    def walk(start: int, end: int, depth: int) -> None:
        for kind, body, stop in _boxes(data, start, end):
            if kind in _CONTAINERS and depth < 6:
                walk(body, stop, depth + 1)
            elif kind == b"tkhd" and stop - body >= 84:
                # version 1 has 64-bit times: width/height (16.16 fixed point) are the last 8 bytes
                width, height = struct.unpack(">II", data[stop - 8 : stop])
                if width or height:
                    sizes.append((width >> 16, height >> 16))
            elif kind == b"stsd" and stop - body >= 8:
                count = struct.unpack(">I", data[body + 4 : body + 8])[0]
                for index, (_entry, entry_body, entry_stop) in enumerate(_boxes(data, body + 8, stop)):
                    if index >= count:
                        break
                    # VisualSampleEntry: 6 reserved + 2 index + 16 predefined, then width, height
                    if entry_stop - entry_body >= 28:
                        width, height = struct.unpack(">HH", data[entry_body + 24 : entry_body + 28])
                        if width and height:
                            sizes.append((width, height))

    walk(0, len(data), 0)
    return sizes


@contextmanager
def _on_disk(data: bytes) -> Iterator[str]:
    # OpenCV's FFmpeg backend reads from a path, not from memory.
    handle, path = tempfile.mkstemp(suffix=".mp4")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        yield path
    finally:
        os.unlink(path)


def _capture(path: str) -> cv2.VideoCapture:
    # Name the backend: no other OpenCV reader (image sequences, GStreamer pipelines) may guess.
    return cv2.VideoCapture(path, cv2.CAP_FFMPEG)


def _within_limit(capture: cv2.VideoCapture) -> bool:
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
    return 0 < width * height <= settings.ANXIN_VIDEO_MAX_PIXELS


def video_inspect(data: bytes, *, field: str = "file") -> VideoInfo:
    """Accept a video only if its bytes are an MP4/MOV/3GP whose frames are within the limit and decode.

    Raises ``ValidationFailed`` naming ``field``: ``unsupported_video`` or ``video_too_large``.
    """
    not_video = ValidationFailed(
        gettext("不支持的视频格式（请上传手机拍摄的 MP4、MOV 或 3GP）"), field=field, code="unsupported_video"
    )
    content_type = container_type(data)
    if content_type is None:
        raise not_video
    sizes = declared_frame_sizes(data)
    if not sizes:
        raise not_video
    if any(w * h > settings.ANXIN_VIDEO_MAX_PIXELS or w * h <= 0 for w, h in sizes):
        raise ValidationFailed(gettext("视频分辨率过高（最高 4K）"), field=field, code="video_too_large")
    with _on_disk(data) as path:
        capture = _capture(path)
        try:
            if not capture.isOpened() or not _within_limit(capture):
                raise not_video
            ok, frame = capture.read()
            if not ok or frame is None:
                raise not_video
            width, height = frame.shape[1], frame.shape[0]
            total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        finally:
            capture.release()
    return VideoInfo(content_type=content_type, width=width, height=height, frames=max(total, 1))


def frames(data: bytes, *, count: int = 6) -> list[np.ndarray]:
    """Up to ``count`` frames spread evenly over the clip; empty if it is not a video we can decode."""
    if container_type(data) is None:
        return []
    with _on_disk(data) as path:
        capture = _capture(path)
        try:
            if not capture.isOpened() or not _within_limit(capture):
                return []
            total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            picked: list[np.ndarray] = []
            positions = np.linspace(0, max(total - 1, 0), num=min(count, max(total, 1))).astype(int)
            for position in positions:
                capture.set(cv2.CAP_PROP_POS_FRAMES, int(position))
                ok, frame = capture.read()
                if ok and frame is not None:
                    picked.append(frame)
            return picked
        finally:
            capture.release()
