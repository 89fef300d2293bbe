"""Intake attachments: pictures are re-encoded within limits; bombs and other files kept, opaque."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from anxin.core.tests.image_bombs import photo_bytes, png_bomb
from anxin.intake.services import IncomingFile, RepairRequest, request_submit
from anxin.workorders.models import Attachment

pytestmark = pytest.mark.django_db


def _file(name: str, content: bytes, content_type: str) -> Attachment:
    request_submit(
        request=RepairRequest(
            channel="web",
            phone="13800138000",
            name="王五",
            description="不加热",
            files=[IncomingFile(filename=name, content=content, content_type=content_type)],
        )
    )
    return Attachment.objects.get()


def test_a_large_photo_is_stored_downscaled_without_its_gps_position(settings):
    settings.ANXIN_IMAGE_LONG_EDGE = 1024
    sent = photo_bytes(3000, 2000, exif_gps=True)

    attachment = _file("IMG_0001.jpg", sent, "image/jpeg")

    with attachment.file.open("rb") as stored:
        picture = Image.open(io.BytesIO(stored.read()))
    assert max(picture.size) == 1024
    assert not picture.getexif().get_ifd(0x8825)  # no GPS block
    assert attachment.content_type == "image/jpeg"


def test_an_image_bomb_is_kept_as_received_but_never_decoded_or_typed_as_a_picture():
    bomb = png_bomb()

    attachment = _file("photo.png", bomb, "image/png")

    assert attachment.content_type == "application/octet-stream"
    with attachment.file.open("rb") as stored:
        assert stored.read() == bomb


def test_a_file_claiming_to_be_a_picture_is_typed_by_its_bytes():
    attachment = _file("x.svg", b"<svg onload=alert(1)></svg>", "image/svg+xml")

    assert attachment.content_type == "application/octet-stream"
