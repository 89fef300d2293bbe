"""Hostile pictures built at test time: tiny files whose headers promise enormous pixel counts."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

BOMB_SIDE = 12000  # 144 million pixels: 432 MB as RGB before any copy


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = BOMB_SIDE) -> bytes:
    """A real, fully decodable black PNG of side x side pixels (about 0.4 MB for 12000)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + bytes(side * 3)  # filter byte + one RGB row
    parts = [compressor.compress(row) for _ in range(side)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bomb(side: int = BOMB_SIDE) -> bytes:
    """A small JPEG whose frame header (SOF0) claims side x side pixels."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (120, 30, 30)).save(out, format="JPEG", quality=80)
    data = out.getvalue()
    sof = data.find(b"\xff\xc0")
    # SOF0: marker(2) length(2) precision(1) height(2) width(2)
    return data[: sof + 5] + struct.pack(">HH", side, side) + data[sof + 9 :]


def heif_bomb(side: int = BOMB_SIDE) -> bytes:
    """A small HEIF whose image-spatial-extents box (ispe) claims side x side pixels."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 30)).save(out, format="HEIF")
    data = out.getvalue()
    ispe = data.find(b"ispe")
    # ispe: type(4) version+flags(4) width(4) height(4)
    return data[: ispe + 8] + struct.pack(">II", side, side) + data[ispe + 16 :]


def photo_bytes(width: int, height: int, *, fmt: str = "JPEG", exif_gps: bool = False) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
        kwargs["exif"] = exif.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()
