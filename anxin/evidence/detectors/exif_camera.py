"""Camera metadata: missing or inconsistent EXIF.

Missing EXIF alone is weak: WeChat, QQ and most IM apps strip it from every photo. Inconsistent
EXIF (recorded pixel size that does not fit the pixels, capture time in the future) says the
file was re-encoded or had metadata copied in from another photo.
"""

from __future__ import annotations

import datetime as dt

from PIL import ExifTags

from .base import EvidenceImage, Signal, Strength

CHECK = "exif_camera"
MAKE, MODEL, DATETIME = 0x010F, 0x0110, 0x0132
DATETIME_ORIGINAL, PIXEL_X, PIXEL_Y = 0x9003, 0xA002, 0xA003


def _parse_time(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(value).strip("\x00 "), "%Y:%m:%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def check(image: EvidenceImage, *, received_at: dt.datetime | None = None) -> Signal:
    exif = image.exif
    sub = exif.get_ifd(ExifTags.IFD.Exif) if exif else {}
    make, model = str(exif.get(MAKE, "")).strip("\x00 "), str(exif.get(MODEL, "")).strip("\x00 ")
    taken = _parse_time(sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME))
    details: dict[str, object] = {"make": make, "model": model, "taken": taken.isoformat() if taken else None}
    if not make and not model and taken is None:
        return Signal(
            CHECK,
            "missing",
            Strength.WEAK,
            "No camera metadata (normal after WeChat/QQ, so not evidence on its own).",
            "无相机拍摄信息（经微信/QQ 传输常见，单独不构成证据）。",
            details,
        )
    problems: list[str] = []
    width, height = image.pil.size
    recorded = (sub.get(PIXEL_X), sub.get(PIXEL_Y))
    if all(isinstance(v, int) and v > 0 for v in recorded) and {recorded[0], recorded[1]} != {width, height}:
        problems.append(f"recorded size {recorded[0]}x{recorded[1]} but pixels are {width}x{height}")
        details["recorded_size"] = list(recorded)
    # Capture clocks are local time without a zone: allow a day of slack before calling it future.
    now = received_at or dt.datetime.now(dt.UTC)
    if taken and taken > now + dt.timedelta(days=1):
        problems.append("capture time is in the future")
    if problems:
        return Signal(
            CHECK,
            "inconsistent",
            Strength.WEAK,
            "Camera metadata does not fit the picture: " + "; ".join(problems) + ".",
            "相机元数据与图片不一致：" + "；".join(problems) + "。",
            details,
        )
    return Signal(
        CHECK,
        "camera",
        Strength.NONE,
        f"Camera metadata present ({make} {model}).",
        f"含相机信息（{make} {model}）。",
        details,
    )
