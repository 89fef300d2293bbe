"""Reads of anxin.uploads: an upload exists only for its owner (anyone else gets the same 404)."""

from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.accounts.models import User
from anxin.core.exceptions import NotFound
from anxin.uploads.errors import Expired
from anxin.uploads.models import Upload


def upload_get_for(*, actor: User, upload_id: uuid.UUID, lock: bool = False) -> Upload:
    """The actor's own upload. Another user's, or one already pruned, is a 404 (the id reveals nothing);
    an unfinished upload past its expiry is a 410 (the client starts over)."""
    rows = Upload.objects.select_for_update() if lock else Upload.objects.all()
    upload = rows.filter(pk=upload_id, owner=actor).first()
    if upload is None:
        raise NotFound(_("没有这个上传"), code="upload_not_found", field="upload_id")
    if upload.finished_at is None and upload.expires_at <= timezone.now():
        raise Expired(_("上传已过期，请重新上传"), field="upload_id")
    return upload


def upload_data(*, upload: Upload) -> bytes:
    """The bytes received so far (all of them once finished): what a purpose's complete() reads."""
    with open(upload.file_path, "rb") as f:
        return f.read(upload.offset)
