"""Hostile uploads to a claim: bombs, fake videos, SVG/HTML, per-claim caps, and a streamed bundle."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
import zipfile
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageFile

from anxin.core.exceptions import ValidationFailed
from anxin.core.tests.image_bombs import heif_bomb, jpeg_bomb, photo_bytes, png_bomb
from anxin.evidence import services
from anxin.evidence.choices import EvidenceKind
from anxin.evidence.models import EvidenceFile

from .factories import clip_bytes, make_claim

BASE = "/api/v1/claims"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def claim(buyer, brand):
    return make_claim(buyer=buyer, brand=brand)


def _add(claim, actor, data: bytes, *, kind=EvidenceKind.CLAIM_PHOTO, filename="a.jpg", ctype="image/jpeg"):
    return services.evidence_add(
        actor=actor, claim=claim, kind=kind, data=data, filename=filename, content_type=ctype
    )


@pytest.mark.parametrize("bomb", [png_bomb, jpeg_bomb, heif_bomb], ids=["png", "jpeg", "heif"])
def test_an_image_bomb_is_refused_before_any_pixel_is_decoded(claim, buyer, bomb):
    data = bomb()

    with mock.patch.object(ImageFile.ImageFile, "load", side_effect=AssertionError("decoded")):
        with pytest.raises(ValidationFailed) as caught:
            _add(claim, buyer, data)

    assert caught.value.field == "file"
    assert caught.value.code == "image_too_large"
    assert not EvidenceFile.objects.exists()


def test_the_api_answers_422_naming_the_field_for_an_image_bomb(claim, buyer, client_for):
    upload = SimpleUploadedFile("big.png", png_bomb(), content_type="image/png")

    response = client_for(buyer).post(
        f"{BASE}/{claim.number}/evidence", {"kind": "claim_photo", "file": upload}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "file"


def test_a_text_file_renamed_mp4_is_not_accepted_as_a_video(claim, buyer):
    with pytest.raises(ValidationFailed) as caught:
        _add(
            claim,
            buyer,
            b"just some text\n" * 50,
            kind=EvidenceKind.CLAIM_VIDEO,
            filename="v.mp4",
            ctype="video/mp4",
        )

    assert caught.value.field == "file"
    assert caught.value.code == "unsupported_video"


def test_a_playlist_renamed_mp4_never_reaches_ffmpeg(claim, buyer):
    playlist = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"

    with mock.patch("cv2.VideoCapture", side_effect=AssertionError("opened")):
        with pytest.raises(ValidationFailed):
            _add(claim, buyer, playlist, kind=EvidenceKind.CLAIM_VIDEO, filename="v.mp4", ctype="video/mp4")


def test_a_real_clip_is_accepted_and_recorded_with_its_sniffed_type(claim, buyer):
    evidence = _add(
        claim, buyer, clip_bytes(), kind=EvidenceKind.CLAIM_VIDEO, filename="v.bin", ctype="text/html"
    )

    assert evidence.content_type == "video/mp4"


@pytest.mark.parametrize("data", [SVG, HTML], ids=["svg", "html"])
@pytest.mark.parametrize("kind", [EvidenceKind.CLAIM_PHOTO, EvidenceKind.CLAIM_VIDEO])
def test_svg_and_html_are_never_evidence(claim, buyer, data, kind):
    with pytest.raises(ValidationFailed) as caught:
        _add(claim, buyer, data, kind=kind, filename="x.svg", ctype="image/svg+xml")

    assert caught.value.field == "file"


def test_a_photo_is_recorded_with_the_type_its_bytes_show(claim, buyer):
    evidence = _add(claim, buyer, photo_bytes(64, 48, fmt="PNG"), filename="p.jpg", ctype="text/html")

    assert evidence.content_type == "image/png"


def test_the_stored_name_ends_in_the_sniffed_type_not_the_clients(claim, buyer):
    evidence = _add(claim, buyer, photo_bytes(64, 48), filename="x.html", ctype="text/html")

    assert evidence.file.name.endswith(".jpg")


def test_the_status_page_decides_photo_or_video_by_content_not_by_content_type(client, claim, buyer):
    client.force_login(buyer)
    upload = SimpleUploadedFile("v.mp4", HTML, content_type="video/mp4")

    client.post(f"/claims/{claim.number}/", {"file": upload})

    assert not EvidenceFile.objects.exists()

    upload = SimpleUploadedFile("photo.jpg", clip_bytes(), content_type="image/jpeg")
    client.post(f"/claims/{claim.number}/", {"file": upload})

    assert EvidenceFile.objects.get().kind == EvidenceKind.CLAIM_VIDEO


def test_a_claim_takes_at_most_the_configured_number_of_files(claim, buyer, settings):
    settings.ANXIN_EVIDENCE_MAX_FILES_PER_CLAIM = 2
    _add(claim, buyer, photo_bytes(64, 48))
    _add(claim, buyer, photo_bytes(64, 49))

    with pytest.raises(ValidationFailed) as caught:
        _add(claim, buyer, photo_bytes(64, 50))

    assert caught.value.code == "claim_file_limit"
    assert claim.files.count() == 2


def test_a_claim_takes_at_most_the_configured_total_bytes(claim, buyer, settings):
    first = photo_bytes(400, 300)
    settings.ANXIN_EVIDENCE_MAX_BYTES_PER_CLAIM = len(first) + 100
    _add(claim, buyer, first)

    with pytest.raises(ValidationFailed) as caught:
        _add(claim, buyer, photo_bytes(401, 300))

    assert caught.value.code == "claim_bytes_limit"
    assert caught.value.field == "file"


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(claim, buyer, client_for, settings):
    settings.ANXIN_EVIDENCE_MAX_FILE_BYTES = 1000
    upload = SimpleUploadedFile("big.jpg", photo_bytes(400, 300), content_type="image/jpeg")

    response = client_for(buyer).post(
        f"{BASE}/{claim.number}/evidence", {"kind": "claim_photo", "file": upload}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "file"


def _store_big_file(claim, size: int) -> EvidenceFile:
    data = os.urandom(size)
    digest = hashlib.sha256(data).hexdigest()
    evidence = EvidenceFile(
        claim=claim,
        kind=EvidenceKind.CLAIM_VIDEO,
        filename="big.mp4",
        content_type="video/mp4",
        size=size,
        sha256=digest,
    )
    evidence.file.save(f"{digest}.mp4", ContentFile(data), save=False)
    evidence.save()
    return evidence


def test_the_bundle_of_large_files_is_built_on_disk_not_in_memory(claim, brand_staff):
    stored = [_store_big_file(claim, 6 * 1024 * 1024) for _ in range(3)]

    tracemalloc.start()
    try:
        bundle = services.claim_bundle(claim=claim, viewer=brand_staff)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 3 * 1024 * 1024  # the files add up to 18 MB
    with zipfile.ZipFile(bundle) as archive:
        sums = archive.read("SHA256SUMS").decode()
        for evidence in stored:
            assert evidence.sha256 in sums
        names = [n for n in archive.namelist() if n.startswith("files/")]
        assert {hashlib.sha256(archive.read(n)).hexdigest() for n in names} == {e.sha256 for e in stored}
    bundle.close()


def test_the_bundle_download_streams_a_zip(claim, brand_staff, client_for):
    _store_big_file(claim, 1024 * 1024)

    response = client_for(brand_staff).get(f"{BASE}/{claim.number}/bundle")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content)[:2] == b"PK"


def _claim_form(photo: SimpleUploadedFile, brand) -> dict:
    return {
        "claim_type": "refund_only",
        "brand": brand.code,
        "order_number": "JD-1",
        "amount_paid": "100.00",
        "amount_claimed": "100.00",
        "photo": photo,
    }


@pytest.mark.parametrize("bomb", [png_bomb, jpeg_bomb], ids=["png", "jpeg"])
def test_the_claim_form_refuses_a_bomb_on_the_photo_field_and_files_no_claim(client, buyer, brand, bomb):
    client.force_login(buyer)

    with mock.patch.object(ImageFile.ImageFile, "load", side_effect=AssertionError("decoded")):
        response = client.post("/claims/new/", _claim_form(SimpleUploadedFile("p.png", bomb()), brand))

    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert not buyer.customer.claims.exists()


def test_the_claim_form_refuses_an_svg_photo(client, buyer, brand):
    client.force_login(buyer)

    response = client.post(
        "/claims/new/", _claim_form(SimpleUploadedFile("p.svg", SVG, content_type="image/svg+xml"), brand)
    )

    assert "photo" in response.context["form"].errors
    assert not buyer.customer.claims.exists()


def test_evidence_cannot_be_added_through_the_admin(rf, django_user_model):
    from django.contrib import admin

    request = rf.get("/admin/evidence/evidencefile/add/")
    request.user = django_user_model.objects.create_superuser(username="root", password="pw-root")

    assert not admin.site._registry[EvidenceFile].has_add_permission(request)


def test_a_photo_refused_after_the_claim_was_created_leaves_no_claim(client, buyer, brand):
    client.force_login(buyer)
    refused = ValidationFailed("Not a photo we accept", field="file")

    with mock.patch.object(services, "evidence_add", side_effect=refused):
        response = client.post(
            "/claims/new/", _claim_form(SimpleUploadedFile("p.jpg", photo_bytes(64, 48)), brand)
        )

    assert response.status_code == 200
    assert not buyer.customer.claims.exists()
