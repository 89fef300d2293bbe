import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from anxin.evidence.detectors.base import WORK_MAX_SIDE, EvidenceImage


def _jpeg(rgb: np.ndarray, orientation: int | None) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize("orientation", [None, 1, 2, 3, 4, 5, 6, 7, 8])
def test_the_working_copy_is_turned_upright_as_pillow_turns_it(orientation):
    # given: a picture that is not square (so a wrong turn shows), saved with an EXIF orientation
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (60, 90, 3), dtype=np.uint8)
    data = _jpeg(rgb, orientation)

    # when
    image = EvidenceImage(data)

    # then: the pixels are Pillow's exif_transpose of the decoded picture; bgr_full stays as stored
    upright = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data)).convert("RGB")))
    assert np.array_equal(image.bgr, cv2.cvtColor(upright, cv2.COLOR_RGB2BGR))
    stored = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert np.array_equal(image.bgr_full, cv2.cvtColor(stored, cv2.COLOR_RGB2BGR))


def test_a_large_turned_picture_is_shrunk_after_turning():
    rgb = np.zeros((1200, 2400, 3), np.uint8)

    image = EvidenceImage(_jpeg(rgb, 6))

    assert image.bgr.shape == (WORK_MAX_SIDE, WORK_MAX_SIDE // 2, 3)
    assert image.bgr.flags.c_contiguous


def test_a_palette_png_is_read_as_colour():
    buffer = io.BytesIO()
    Image.new("P", (40, 30), 3).save(buffer, "PNG")

    image = EvidenceImage(buffer.getvalue())

    assert image.bgr.shape == (30, 40, 3) and image.bgr_full.shape == (30, 40, 3)
