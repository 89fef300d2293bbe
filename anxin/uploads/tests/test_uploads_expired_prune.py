"""The periodic job deletes expired uploads and their partial files, and leaves live ones alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anxin.uploads import services, tasks
from anxin.uploads.models import Upload

pytestmark = pytest.mark.django_db


def _upload(actor, *, chunk: bytes = b"") -> Upload:
    upload = services.upload_create(
        actor=actor, length=100, metadata={"purpose": "test_blob", "target": "T", "filetype": "video/webm"}
    )
    if chunk:
        services.upload_append(actor=actor, upload_id=upload.pk, offset=0, data=chunk)
    return upload


def test_it_deletes_expired_partial_files_and_rows(agent, blob_purpose):
    stale, live = _upload(agent, chunk=b"x" * 10), _upload(agent, chunk=b"y" * 10)
    Upload.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert tasks.uploads_expired_prune_hourly.call_local() == 1

    assert list(Upload.objects.values_list("pk", flat=True)) == [live.pk]
    assert not stale.file_path.exists()
    assert live.file_path.read_bytes() == b"y" * 10


def test_a_missing_file_does_not_stop_the_job(agent, blob_purpose):
    upload = _upload(agent)
    upload.file_path.unlink()
    assert services.uploads_expired_prune(now=upload.expires_at + dt.timedelta(seconds=1)) == 1
    assert not Upload.objects.exists()
