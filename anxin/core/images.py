"""Pictures from strangers: read the header, refuse decompression bombs, then decode within limits.

A 12000x12000 PNG of one colour is 0.4 MB on the wire and 432 MB as RGB pixels (several GiB once the
checks have made their copies). Every decoder we use is therefore fenced by the same pixel limit, and
the limit is checked on the *header* before any pixel is decoded:

* Pillow (JPEG/MPO, PNG, WebP, AVIF natively; HEIF through pillow-heif): ``Image.open`` only parses
  the header; we restrict it to the formats we accept (so SVG, TIFF, PSD and friends are never even
  parsed), read ``size`` and refuse before ``load()``. Pillow's own ``MAX_IMAGE_PIXELS`` is set to the
  same limit and its bomb warning is raised as an error while we decode, as a second fence.
* OpenCV ``cv2.imdecode``: ``OPENCV_IO_MAX_IMAGE_PIXELS`` is set from the same limit before OpenCV
  reads it (first decode); app code decodes with Pillow only, after ``image_inspect``.
* ImageHash / scikit-image only ever see arrays that Pillow or OpenCV decoded within the limit.

Limits come from settings (``ANXIN_IMAGE_MAX_PIXELS``, ``ANXIN_IMAGE_MAX_SIDE``,
``ANXIN_IMAGE_LONG_EDGE``). See docs/decisions.md, "Hostile images", for why claim evidence keeps the
original bytes and only intake attachments are re-encoded.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from anxin.core.exceptions import ValidationFailed

# Pillow format name -> the MIME type we record. MPO (multi-picture JPEG from some cameras) is found by
# the JPEG plugin. Anything else (SVG, HTML, TIFF, BMP, PSD, ICO, EPS, ...) is refused.
ACCEPTED_FORMATS = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "HEIF": "image/heif",
    "AVIF": "image/avif",
}
_OPEN_FORMATS = ["JPEG", "PNG", "WEBP", "HEIF", "AVIF"]
# iPhones and many Android phones save HEIF; Pillow reads AVIF natively.
pillow_heif.register_heif_opener()


def max_pixels() -> int:
    return int(settings.ANXIN_IMAGE_MAX_PIXELS)


def _fence_decoders() -> None:
    """Point every decoder's own limit at ours (cheap; re-applied because other modules set Pillow's)."""
    limit = max_pixels()
    Image.MAX_IMAGE_PIXELS = limit
    # OpenCV reads this once, at its first imdecode; setdefault keeps an operator's stricter value.
    os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(limit))


@dataclass(frozen=True)
class ImageInfo:
    """What the header says: enough to refuse a picture before decoding it."""

    format: str
    content_type: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class IngestedImage:
    """An accepted picture: the bytes to store, their type, and whether we re-encoded them."""

    data: bytes
    content_type: str
    info: ImageInfo
    reencoded: bool

    @property
    def suffix(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, "")


def _too_large(field: str) -> ValidationFailed:
    megapixels = max_pixels() / 1_000_000
    return ValidationFailed(
        gettext("图片过大：最多 %(megapixels)s 百万像素、每边 %(side)s 像素（请用相机的常规分辨率拍摄）")
        % {"megapixels": f"{megapixels:.0f}", "side": settings.ANXIN_IMAGE_MAX_SIDE},
        field=field,
        code="image_too_large",
    )


def _not_an_image(field: str) -> ValidationFailed:
    return ValidationFailed(
        gettext("不支持的图片格式（请上传 JPEG、PNG、WebP、HEIF 或 AVIF）"),
        field=field,
        code="unsupported_image",
    )


def _open(data: bytes, field: str) -> Image.Image:
    """Parse the header only (Pillow decodes lazily) and check the declared size."""
    _fence_decoders()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(field) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_an_image(field) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise _not_an_image(field)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _not_an_image(field)
    if width * height > max_pixels() or max(width, height) > settings.ANXIN_IMAGE_MAX_SIDE:
        raise _too_large(field)
    return image


def image_inspect(data: bytes, *, field: str = "file") -> ImageInfo:
    """Format and dimensions from the header alone; refuses unsupported types and over-limit sizes.

    Raises ``ValidationFailed`` naming ``field`` (code ``unsupported_image`` or ``image_too_large``).
    No pixel is decoded, so a bomb costs only the header parse.
    """
    image = _open(data, field)
    info = ImageInfo(
        format=str(image.format),
        content_type=ACCEPTED_FORMATS[str(image.format)],
        width=image.size[0],
        height=image.size[1],
    )
    image.close()
    return info


def image_decode(data: bytes, *, field: str = "file", long_edge: int | None = None) -> Image.Image:
    """Decode a picture that passed ``image_inspect``; with ``long_edge`` JPEGs decode at reduced scale.

    A corrupt body behind a valid header (truncated file, bad checksum) is ``unsupported_image``.
    """
    # WeasyPrint (service reports) turns Pillow's process-wide LOAD_TRUNCATED_IMAGES on when imported:
    # an upload cut short must still be refused here, whatever else this process has loaded.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    image = _open(data, field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if long_edge is not None and image.format in ("JPEG", "MPO"):
                # libjpeg's DCT scaling decodes straight to 1/2, 1/4 or 1/8 size: far less memory.
                image.draft("RGB", (long_edge, long_edge))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(field) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_an_image(field) from exc
    return image


def image_ingest(
    data: bytes, *, field: str = "file", long_edge: int | None = None, reencode: bool = False
) -> IngestedImage:
    """Accept a picture for storage.

    Over-limit pictures are refused before decoding. A picture whose long edge is above ``long_edge``
    (default ``ANXIN_IMAGE_LONG_EDGE``) is decoded at reduced scale, turned upright and re-encoded at
    that size; with ``reencode`` every picture is re-encoded, which also drops its metadata (EXIF GPS,
    XMP) and anything appended to the file. Otherwise the original bytes are returned untouched.
    """
    edge = long_edge or int(settings.ANXIN_IMAGE_LONG_EDGE)
    info = image_inspect(data, field=field)
    if max(info.width, info.height) <= edge and not reencode:
        return IngestedImage(data=data, content_type=info.content_type, info=info, reencoded=False)
    image = image_decode(data, field=field, long_edge=edge)
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    out = io.BytesIO()
    if has_alpha:
        upright.convert("RGBA").save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        upright.convert("RGB").save(out, format="JPEG", quality=88)
        content_type = "image/jpeg"
    return IngestedImage(data=out.getvalue(), content_type=content_type, info=info, reencoded=True)


def attachment_image_ingest(*, filename: str, data: bytes, content_type: str) -> IngestedImage:
    """For intake attachments: the type is decided by the bytes, never by ``filename``/``content_type``.

    The picture is always re-encoded at most ``ANXIN_IMAGE_LONG_EDGE`` on its long side, which strips
    EXIF (a customer's GPS position), XMP and any payload hidden after the image data. ``filename`` and
    ``content_type`` are the client's claims; they are accepted for the call's shape and ignored.
    """
    del filename, content_type  # never trusted: see docstring
    return image_ingest(data, field="file", reencode=True)
