"""Issue #12 acceptance: a photo taken online goes up in resumable chunks (tus); when the connection
drops mid-upload the phone asks the server where it stands and sends only the rest. The photo is on the
order exactly once, and the technician saw the progress."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from anxin.uploads.models import Upload
from anxin.visits.models import VisitPhoto
from anxin.visits.tests.factories import on_site_order

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 256 * 1024  # static/js/resumable-upload.js


def _noisy_photo(tmp_path):
    """A camera-sized photo of noise: still about 1 MB after the phone shrinks it (several chunks)."""
    path = tmp_path / "before.jpg"
    out = io.BytesIO()
    Image.frombytes("RGB", (2400, 1800), os.urandom(2400 * 1800 * 3)).save(out, format="JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return path


def test_a_dropped_chunk_resumes_from_the_servers_offset_and_the_photo_is_saved_once(
    live_server, phone_page, login, screenshot, technician, product_model, tmp_path
):
    order = on_site_order(technician=technician)
    page = phone_page
    login(page, "tech", "pw-tech")
    page.goto(f"{live_server.url}/visits/{order.number}/diagnosis/")
    page.wait_for_function("window.tus && window.anxinResumable")

    sent: list[tuple[int, int]] = []  # (Upload-Offset, body bytes) of every PATCH the server received
    heads: list[str] = []
    dropped: list[int] = []
    progress: list[str] = []

    def on_patch(route, request):
        if request.method == "HEAD":
            heads.append(request.url)
            route.continue_()
            return
        if request.method != "PATCH":
            route.continue_()
            return
        offset = int(request.headers["upload-offset"])
        sent.append((offset, len(request.post_data_buffer or b"")))
        if len(sent) == 2 and not dropped:
            # The second chunk reaches the server, but its answer never reaches the phone: the connection
            # dropped. The phone must not send these bytes again.
            route.fetch()
            dropped.append(offset)
            route.abort("connectionreset")
            return
        route.continue_()

    page.route("**/api/v1/uploads/**", on_patch)
    page.expose_function("recordProgress", lambda text: progress.append(text))
    page.evaluate(
        """() => new MutationObserver(() => {
             const t = document.querySelector('#visit-photos form .upload-text');
             if (t && t.textContent) window.recordProgress(t.textContent);
           }).observe(document.body, {subtree: true, childList: true, characterData: true})"""
    )

    form = page.locator("#visit-photos form:has(input[name=role][value=before])")
    form.locator("input[type=file]").set_input_files(str(_noisy_photo(tmp_path)))
    page.wait_for_selector("#visit-photos .photos[data-role=before] img", timeout=60000)
    page.locator("#toasts").get_by_text("照片已保存").wait_for()

    upload = Upload.objects.get()
    assert upload.finished_at is not None and upload.offset == upload.length
    assert upload.length > 2 * CHUNK  # the drop happened mid-upload, with chunks left to send
    offsets = [offset for offset, _size in sent]
    assert offsets == sorted(set(offsets)), offsets  # no offset sent twice: nothing re-sent after the drop
    assert offsets[0] == 0 and dropped == [offsets[1]]
    assert sum(size for _offset, size in sent) == upload.length  # every byte crossed the network once
    assert heads, "after the drop the phone asked the server where it stood"
    assert any("%" in text for text in progress), progress  # the technician saw a percentage

    photo = VisitPhoto.objects.get(order=order)  # exactly one photo
    assert photo.role == "before" and photo.attachment.content_type == "image/jpeg"
    assert upload.result["photo_id"] == photo.pk
    with Image.open(photo.attachment.file) as stored:
        assert max(stored.size) == 1600  # shrunk on the phone before it was sent
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "visit-photo-resumed-375")


def test_offline_mid_upload_the_phone_waits_and_goes_on_from_where_the_server_is(
    live_server, phone_page, login, technician, product_model, tmp_path
):
    order = on_site_order(technician=technician)
    page = phone_page
    login(page, "tech", "pw-tech")
    page.goto(f"{live_server.url}/visits/{order.number}/diagnosis/")
    page.wait_for_function("window.tus && window.anxinResumable")
    sent: list[int] = []
    went_offline: list[bool] = []

    def on_request(route, request):
        if request.method == "PATCH":
            if len(sent) == 1 and not went_offline:
                went_offline.append(True)
                page.context.set_offline(True)  # the phone loses the network between two chunks
                route.abort("internetdisconnected")
                return
            sent.append(int(request.headers["upload-offset"]))
        route.continue_()

    page.route("**/api/v1/uploads/**", on_request)
    form = page.locator("#visit-photos form:has(input[name=role][value=before])")
    form.locator("input[type=file]").set_input_files(str(_noisy_photo(tmp_path)))
    form.locator(".upload-text").get_by_text("网络中断").wait_for(timeout=30000)
    assert sent == [0]
    assert not VisitPhoto.objects.exists()
    assert Upload.objects.get().offset == CHUNK  # the first chunk is safe on the server

    page.context.set_offline(False)
    page.wait_for_selector("#visit-photos .photos[data-role=before] img", timeout=60000)
    assert sent[:2] == [0, CHUNK] and sent == sorted(set(sent))  # went on from the server's offset
    assert VisitPhoto.objects.filter(order=order).count() == 1


def test_a_checklist_item_photo_goes_up_resumably_and_answers_the_item(
    live_server, phone_page, login, technician, product_model, tmp_path
):
    from anxin.visits.choices import VisitKind
    from anxin.visits.selectors import templates_for_order
    from anxin.visits.services import inspection_start

    order = on_site_order(technician=technician)
    template = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    run = inspection_start(actor=technician.user, order=order, template=template)
    page = phone_page
    login(page, "tech", "pw-tech")
    page.goto(f"{live_server.url}/visits/{order.number}/checklist/")
    page.wait_for_function("window.tus && window.anxinResumable")
    item = page.locator(f"#item-{run.pk}-photo_inside")
    item.locator("input[type=file]").set_input_files(str(_noisy_photo(tmp_path)))
    page.wait_for_selector(f"#item-{run.pk}-photo_inside.answered .photos img", timeout=60000)

    upload = Upload.objects.get()  # it went through the resumable path, not the form post
    assert upload.purpose == "visit_photo" and upload.finished_at is not None
    photo = VisitPhoto.objects.get(order=order)
    assert (photo.inspection_id, photo.item.code) == (run.pk, "photo_inside")
    assert upload.result["photo_id"] == photo.pk
