"""The tus 1.0.0 protocol as tus-js-client speaks it: creation, HEAD, PATCH in chunks, and every refusal
in the project's error shape."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from anxin.uploads.models import Upload
from anxin.uploads.tests.helpers import BASE, TUS, create, head, metadata, patch, send_all

pytestmark = pytest.mark.django_db

DATA = bytes(range(256)) * 3  # 768 bytes
DATA_LENGTH = len(DATA)
BLOB = {"purpose": "test_blob", "target": "T-1", "filetype": "application/octet-stream"}


@pytest.fixture
def client(agent, api_client, token_for, blob_purpose):
    return api_client(token_for(agent))


@pytest.fixture
def other_client(dispatcher, api_client, token_for, blob_purpose):
    return api_client(token_for(dispatcher))


def _created(client, length=DATA_LENGTH, **pairs):
    response = create(client, length=length, **{**BLOB, **pairs})
    assert response.status_code == 201, response.content
    return response["Location"]


def test_options_says_version_extensions_and_the_largest_size(client):
    response = client.options(BASE)
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Resumable"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "expiration", "termination"}
    assert int(response["Tus-Max-Size"]) >= 1000


def test_it_creates_an_upload_at_offset_zero_with_an_expiry(client, agent):
    response = create(client, length=len(DATA), filename="张三家的冰箱.jpg", note="x", **BLOB)
    assert response.status_code == 201
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Upload-Offset"] == "0"
    assert "GMT" in response["Upload-Expires"]
    upload = Upload.objects.get()
    assert response["Location"] == f"{BASE}{upload.pk}"
    assert (upload.owner, upload.purpose, upload.target, upload.length) == (agent, "test_blob", "T-1", 768)
    assert upload.filename == "张三家的冰箱.jpg"
    assert upload.expires_at - upload.created_at == dt.timedelta(hours=24)
    assert upload.file_path.exists() and upload.file_path.stat().st_size == 0


def test_the_file_name_is_stored_encrypted(client):
    _created(client, filename="张三家的冰箱.jpg")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select filename, metadata from uploads_upload")
        raw_name, raw_meta = cursor.fetchone()
    assert "张三" not in raw_name and "冰箱" not in raw_name
    assert raw_meta == "" or "{" not in raw_meta


def test_patch_in_chunks_completes_the_upload_once(client, blob_purpose):
    url = _created(client)
    first = patch(client, url, offset=0, data=DATA[:300])
    assert first.status_code == 204 and first["Upload-Offset"] == "300"
    assert "Anxin-Upload-Result" not in first
    assert head(client, url)["Upload-Offset"] == "300"
    assert blob_purpose.completed == []
    second = patch(client, url, offset=300, data=DATA[300:600])
    last = patch(client, url, offset=600, data=DATA[600:])
    assert (second["Upload-Offset"], last["Upload-Offset"]) == ("600", "768")
    assert last["Anxin-Upload-Result"] == '{"blob":1,"target":"T-1"}'
    assert blob_purpose.completed == [("T-1", DATA)]
    upload = Upload.objects.get()
    assert upload.finished_at is not None and upload.result == {"blob": 1, "target": "T-1"}
    import hashlib

    assert upload.sha256 == hashlib.sha256(DATA).hexdigest()


def test_head_answers_offset_length_and_no_cache(client):
    url = _created(client)
    response = head(client, url)
    assert response.status_code == 200
    assert (response["Upload-Offset"], response["Upload-Length"]) == ("0", "768")
    assert response["Cache-Control"] == "no-store"
    assert response["Tus-Resumable"] == "1.0.0"


def test_a_wrong_offset_is_409_with_the_servers_offset(client):
    url = _created(client)
    patch(client, url, offset=0, data=DATA[:100])
    response = patch(client, url, offset=50, data=DATA[50:150])
    assert response.status_code == 409
    assert response["Upload-Offset"] == "100"
    assert response.json() == {
        "error": "offset_mismatch",
        "detail": response.json()["detail"],
        "field": "Upload-Offset",
    }
    assert Upload.objects.get().offset == 100


def test_a_retried_last_chunk_does_not_complete_twice(client, blob_purpose):
    """The answer to the last PATCH was lost: the client sends it again, then asks HEAD (tus-js-client
    retries a 409 by resuming). The purpose ran once; both HEAD and an empty PATCH answer its result."""
    url = _created(client)
    send_all(client, url, DATA, chunk=400)
    retried = patch(client, url, offset=400, data=DATA[400:])
    assert retried.status_code == 409 and retried["Upload-Offset"] == "768"
    resumed = head(client, url)
    assert resumed["Upload-Offset"] == "768"
    assert resumed["Anxin-Upload-Result"] == '{"blob":1,"target":"T-1"}'
    empty = patch(client, url, offset=768, data=b"")
    assert empty.status_code == 204 and empty["Anxin-Upload-Result"] == '{"blob":1,"target":"T-1"}'
    assert len(blob_purpose.completed) == 1


def test_a_chunk_past_the_declared_length_is_refused_and_nothing_moves(client):
    url = _created(client, length=10)
    response = patch(client, url, offset=0, data=b"x" * 11)
    assert response.status_code == 413
    assert response.json()["field"] == "Content-Length"
    assert Upload.objects.get().offset == 0


def test_an_oversized_upload_is_413_naming_upload_length(client):
    response = create(client, length=1001, **BLOB)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert response.json()["field"] == "Upload-Length"
    assert not Upload.objects.exists()


@pytest.mark.parametrize("filetype", ["text/html", ""])
def test_a_type_the_purpose_does_not_take_is_415_naming_filetype(client, filetype):
    response = create(client, length=10, **{**BLOB, "filetype": filetype})
    assert response.status_code == 415
    assert response.json()["field"] == "filetype"
    assert not Upload.objects.exists()


def test_a_family_of_types_matches_with_parameters(client):
    assert create(client, length=10, **{**BLOB, "filetype": "video/webm;codecs=vp8"}).status_code == 201


def test_a_chunk_without_the_offset_content_type_is_415_naming_content_type(client):
    url = _created(client)
    response = patch(client, url, offset=0, data=DATA[:10], content_type="application/octet-stream")
    assert response.status_code == 415
    assert response.json()["field"] == "Content-Type"


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        ({"target": "T-1", "filetype": "application/octet-stream"}, "purpose"),
        ({"purpose": "nope", "target": "T-1", "filetype": "application/octet-stream"}, "purpose"),
        ({"purpose": "test_blob", "filetype": "application/octet-stream"}, "target"),
    ],
)
def test_missing_or_unknown_purpose_and_target_are_named(client, pairs, field):
    response = create(client, length=10, **pairs)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_broken_metadata_is_400_naming_the_header(client):
    response = client.post(BASE, HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA="purpose !!!notbase64", **TUS)
    assert response.status_code == 400
    assert response.json()["field"] == "Upload-Metadata"


def test_a_missing_upload_length_or_protocol_version_is_named(client):
    response = client.post(BASE, HTTP_UPLOAD_METADATA=metadata(**BLOB), **TUS)
    assert response.status_code == 422 and "Upload-Length" in str(response.json()["field"])
    response = client.post(BASE, HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=metadata(**BLOB))
    assert response.status_code == 422 and "Tus-Resumable" in str(response.json()["field"])


def test_the_purpose_refuses_before_any_byte(client):
    assert create(client, length=10, **{**BLOB, "target": "forbidden"}).status_code == 403
    assert create(client, length=10, **{**BLOB, "target": "missing"}).status_code == 404
    assert not Upload.objects.exists()


def test_another_users_upload_is_404_for_every_method(client, other_client):
    url = _created(client)
    assert head(other_client, url).status_code == 404
    response = patch(other_client, url, offset=0, data=DATA[:10])
    assert response.status_code == 404 and response.json()["error"] == "upload_not_found"
    assert other_client.delete(url, **TUS).status_code == 404
    assert Upload.objects.get().offset == 0


def test_an_unknown_upload_is_404_and_a_bad_id_422(client):
    assert head(client, f"{BASE}00000000-0000-0000-0000-000000000000").status_code == 404
    assert head(client, f"{BASE}not-a-uuid").status_code == 422


def test_anonymous_calls_are_401(api_client, blob_purpose):
    assert create(api_client(), length=10, **BLOB).status_code == 401


def test_an_expired_upload_is_410_and_takes_no_more_bytes(client):
    url = _created(client)
    Upload.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert head(client, url).status_code == 410
    response = patch(client, url, offset=0, data=DATA[:10])
    assert response.status_code == 410 and response.json()["error"] == "upload_expired"


def test_termination_deletes_the_row_and_the_partial_file(client, django_capture_on_commit_callbacks):
    url = _created(client)
    patch(client, url, offset=0, data=DATA[:10])
    path = Upload.objects.get().file_path
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(url, **TUS).status_code == 204
    assert not Upload.objects.exists()
    assert not path.exists()


def test_the_partial_file_goes_once_complete(client, django_capture_on_commit_callbacks):
    url = _created(client)
    path = Upload.objects.get().file_path
    with django_capture_on_commit_callbacks(execute=True):
        send_all(client, url, DATA, chunk=500)
    assert not path.exists()


def test_leftover_bytes_of_a_failed_chunk_are_cut_before_the_next(client):
    """A chunk's transaction failed after its bytes hit the disk: the offset did not move, and the next
    chunk from that offset overwrites them."""
    url = _created(client)
    patch(client, url, offset=0, data=DATA[:100])
    path: Path = Upload.objects.get().file_path
    with open(path, "ab") as f:
        f.write(b"garbage that was never committed")
    patch(client, url, offset=100, data=DATA[100:200])
    assert path.read_bytes() == DATA[:200]
    assert os.path.getsize(path) == 200


def test_a_page_sends_with_its_session_and_the_csrf_token(agent, blob_purpose):
    """The phone's pages use the signed-in session: without the CSRF token a write is refused by name."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    refused = create(client, length=10, **BLOB)
    assert (refused.status_code, refused.json()["error"]) == (403, "csrf_failed")
    client.get("/accounts/login/")  # any page that sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    created = client.post(
        BASE, HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=metadata(**BLOB), HTTP_X_CSRFTOKEN=token, **TUS
    )
    assert created.status_code == 201
    sent = client.patch(
        created["Location"], b"0123456789", content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0", HTTP_X_CSRFTOKEN=token, **TUS,
    )  # fmt: skip
    assert sent.status_code == 204 and sent["Anxin-Upload-Result"]


def test_errors_carry_the_protocol_version_too(client):
    response = head(client, f"{BASE}00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404 and response["Tus-Resumable"] == "1.0.0"
