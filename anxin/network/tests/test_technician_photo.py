"""The badge photo set in the admin or by the service: re-encoded, randomly named, pictures only."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from anxin.core.exceptions import ValidationFailed
from anxin.network.admin import TechnicianAdminForm
from anxin.network.services import TECHNICIAN_PHOTO_EDGE, technician_photo_set

pytestmark = pytest.mark.django_db


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "olive").save(out, format="PNG")
    return out.getvalue()


def test_a_large_photo_is_stored_downscaled_under_a_random_name(technician):
    technician_photo_set(technician=technician, data=_png((1800, 2400)))

    technician.refresh_from_db()
    with technician.photo.open("rb") as stored:
        assert max(Image.open(io.BytesIO(stored.read())).size) == TECHNICIAN_PHOTO_EDGE
    assert technician.photo.name.startswith("technicians/")


def test_a_new_photo_replaces_the_old_file(technician, django_capture_on_commit_callbacks):
    technician_photo_set(technician=technician, data=_png((100, 120)))
    old = technician.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        technician_photo_set(technician=technician, data=_png((100, 120)))

    assert technician.photo.name != old and not technician.photo.storage.exists(old)


def test_anything_but_a_picture_is_refused_naming_the_photo(technician):
    with pytest.raises(ValidationFailed) as refused:
        technician_photo_set(technician=technician, data=b"<html><script>x</script></html>")

    assert refused.value.field == "photo"


def test_the_admin_form_reencodes_an_upload_and_refuses_a_non_picture(technician):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    good = TechnicianAdminForm(
        data={},
        files=MultiValueDict({"photo": [SimpleUploadedFile("李四.png", _png((50, 60)), "image/png")]}),
        instance=technician,
    )
    good.is_valid()
    assert "photo" not in good.errors
    assert good.cleaned_data["photo"].name in ("photo.jpg", "photo.png")

    bad = TechnicianAdminForm(
        data={},
        files=MultiValueDict({"photo": [SimpleUploadedFile("x.png", b"not a picture", "image/png")]}),
        instance=technician,
    )
    assert not bad.is_valid() and "photo" in bad.errors
