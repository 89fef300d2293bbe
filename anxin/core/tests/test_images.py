"""Hostile pictures are refused from their header; acceptable large ones are downscaled on request."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from anxin.core.exceptions import ValidationFailed
from anxin.core.images import attachment_image_ingest, image_ingest, image_inspect

from .image_bombs import heif_bomb, jpeg_bomb, photo_bytes, png_bomb

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {"png": png_bomb(), "jpeg": jpeg_bomb(), "heif": heif_bomb()}


@pytest.mark.parametrize("kind", ["png", "jpeg", "heif"])
def test_it_refuses_a_12000_pixel_square_picture_naming_the_field(bombs, kind):
    with pytest.raises(ValidationFailed) as caught:
        image_inspect(bombs[kind], field="photo")

    assert caught.value.field == "photo"
    assert caught.value.code == "image_too_large"


def test_the_png_bomb_is_small_on_the_wire(bombs):
    assert len(bombs["png"]) < 1024 * 1024


def test_it_refuses_bombs_with_bounded_memory():
    """Run in a fresh interpreter so the peak resident size measures only the refusal."""
    script = textwrap.dedent(
        """
        import resource, django
        django.setup()
        import anxin.evidence.detectors.base  # the checks' module, which sets Pillow's own limit
        from anxin.core.exceptions import ValidationFailed
        from anxin.core.images import image_inspect
        from anxin.core.tests.image_bombs import heif_bomb, jpeg_bomb, png_bomb
        bombs = [png_bomb(), jpeg_bomb(), heif_bomb()]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        refused = 0
        for data in bombs:
            try:
                image_inspect(data)
            except ValidationFailed:
                refused += 1
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(refused, grown)
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "anxin.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    refused, grown_kib = (int(v) for v in done.stdout.split()[-2:])
    assert refused == 3
    assert grown_kib < 32 * 1024  # decoding any one of them would need over 400 MB


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        b"GIF89a" + bytes(32),
        b"",
    ],
    ids=["svg", "html", "gif", "empty"],
)
def test_it_refuses_what_is_not_an_accepted_photo(data):
    with pytest.raises(ValidationFailed) as caught:
        image_inspect(data)

    assert caught.value.code == "unsupported_image"
    assert caught.value.field == "file"


def test_it_refuses_a_tiff_even_though_pillow_could_read_it():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="TIFF")

    with pytest.raises(ValidationFailed):
        image_inspect(out.getvalue())


def test_it_reads_format_and_size_from_the_header():
    info = image_inspect(photo_bytes(640, 480))

    assert (info.format, info.content_type, info.width, info.height) == ("JPEG", "image/jpeg", 640, 480)


def test_a_small_picture_is_kept_byte_for_byte():
    data = photo_bytes(800, 600, exif_gps=True)

    ingested = image_ingest(data, long_edge=1024)

    assert ingested.data == data
    assert not ingested.reencoded


def test_a_large_acceptable_picture_is_downscaled_to_the_long_edge():
    ingested = image_ingest(photo_bytes(4000, 3000), long_edge=1024)

    out = Image.open(io.BytesIO(ingested.data))
    assert out.size == (1024, 768)
    assert ingested.content_type == "image/jpeg"
    assert (ingested.info.width, ingested.info.height) == (4000, 3000)


def test_an_attachment_is_reencoded_without_its_gps_position_whatever_its_name_says():
    data = photo_bytes(300, 200, exif_gps=True)
    assert 0x8825 in Image.open(io.BytesIO(data)).getexif()

    ingested = attachment_image_ingest(filename="x.svg", data=data, content_type="image/svg+xml")

    out = Image.open(io.BytesIO(ingested.data))
    assert out.size == (300, 200)
    assert 0x8825 not in out.getexif()


def test_a_truncated_picture_is_refused_not_a_crash():
    data = photo_bytes(3000, 2000)

    with pytest.raises(ValidationFailed) as caught:
        image_ingest(data[: len(data) // 3], long_edge=512)

    assert caught.value.code == "unsupported_image"
