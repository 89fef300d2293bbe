"""Shared types for the evidence checks: the decoded image and the signal each check reports."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

import cv2
import numpy as np
import pillow_heif
from PIL import ExifTags, Image

# Working copies are capped so every check stays within the per-image time budget.
WORK_MAX_SIDE = 1024
Image.MAX_IMAGE_PIXELS = 80_000_000
# iPhones and many Android phones save HEIF: decode it like any other upload.
pillow_heif.register_heif_opener()

_XMP_PACKET = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.DOTALL)


class Strength(StrEnum):
    """How much a finding alone should move the risk level."""

    NONE = "none"
    WEAK = "weak"
    MEDIUM = "medium"
    STRONG = "strong"


STRENGTH_ORDER = {Strength.NONE: 0, Strength.WEAK: 1, Strength.MEDIUM: 2, Strength.STRONG: 3}


@dataclass(frozen=True)
class Signal:
    """One check's verdict: a stable finding code, how strong it is, and sentences for people."""

    check: str
    finding: str
    strength: Strength
    message: str
    message_zh: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "finding": self.finding,
            "strength": str(self.strength),
            "message": self.message,
            "message_zh": self.message_zh,
            "details": self.details,
        }


class UnreadableImage(ValueError):
    """The bytes are not an image Pillow can decode."""


class EvidenceImage:
    """An uploaded picture: the untouched bytes plus lazily decoded views used by the checks."""

    def __init__(self, data: bytes, *, name: str = "") -> None:
        self.data = data
        self.name = name
        try:
            probe = Image.open(io.BytesIO(data))
            probe.load()
        except Exception as exc:  # Pillow raises many types for corrupt input
            raise UnreadableImage(f"cannot decode image {name!r}: {exc}") from exc
        self.pil = probe

    @classmethod
    def from_path(cls, path: str) -> EvidenceImage:
        with open(path, "rb") as handle:
            return cls(handle.read(), name=str(path))

    @property
    def format(self) -> str:
        return (self.pil.format or "").upper()

    @property
    def mime_type(self) -> str:
        return Image.MIME.get(self.format, "application/octet-stream")

    @cached_property
    def bgr_full(self) -> np.ndarray:
        """Pixels at native resolution, EXIF orientation NOT applied (watermarks live in stored pixels)."""
        rgb = self.pil if self.pil.mode == "RGB" else self.pil.convert("RGB")
        return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)

    @cached_property
    def bgr(self) -> np.ndarray:
        """Upright working copy, longest side at most WORK_MAX_SIDE.

        Made from ``bgr_full`` (decoded and converted once for both): turning the pixels upright
        is a pure transposition, the same as ``ImageOps.exif_transpose``.
        """
        orientation = self.exif.get(ExifTags.Base.Orientation, 1) if self.exif else 1
        return downscale(np.ascontiguousarray(_upright(self.bgr_full, orientation)), WORK_MAX_SIDE)

    @cached_property
    def gray(self) -> np.ndarray:
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2GRAY)

    @cached_property
    def exif(self) -> Image.Exif:
        return self.pil.getexif()

    @cached_property
    def xmp_packets(self) -> list[str]:
        """Every XMP packet in the file: found by scanning the bytes (JPEG APP1, PNG iTXt, WebP, HEIF)."""
        packets = [m.group(0).decode("utf-8", "replace") for m in _XMP_PACKET.finditer(self.data)]
        info_xmp = self.pil.info.get("xmp") or self.pil.info.get("XML:com.adobe.xmp")
        if isinstance(info_xmp, bytes):
            info_xmp = info_xmp.decode("utf-8", "replace")
        if info_xmp and info_xmp not in packets:
            packets.append(info_xmp)
        return packets

    @cached_property
    def text_chunks(self) -> dict[str, str]:
        """PNG tEXt/zTXt/iTXt chunks (and other textual info Pillow exposes), keyword -> text."""
        chunks: dict[str, str] = {}
        for key, value in getattr(self.pil, "text", {}).items():
            chunks[str(key)] = str(value)
        return chunks


def _upright(pixels: np.ndarray, orientation: object) -> np.ndarray:
    """``pixels`` turned as ``ImageOps.exif_transpose`` turns a picture with this EXIF orientation."""
    turns = {
        2: lambda a: a[:, ::-1],  # mirrored
        3: lambda a: a[::-1, ::-1],  # upside down
        4: lambda a: a[::-1],  # upside down, mirrored
        5: lambda a: a.swapaxes(0, 1),  # transposed
        6: lambda a: a.swapaxes(0, 1)[:, ::-1],  # rotated 90 degrees clockwise
        7: lambda a: a[::-1, ::-1].swapaxes(0, 1),  # transversed
        8: lambda a: a.swapaxes(0, 1)[::-1],  # rotated 90 degrees counter-clockwise
    }
    turn = turns.get(orientation) if isinstance(orientation, int) else None
    return turn(pixels) if turn is not None else pixels


def downscale(image: np.ndarray, max_side: int) -> np.ndarray:
    height, width = image.shape[:2]
    longest = max(height, width)
    if longest <= max_side:
        return image
    scale = max_side / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)
