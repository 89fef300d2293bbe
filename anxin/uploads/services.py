"""Writes of anxin.uploads: create an upload, append a chunk, hand the finished file to its purpose,
terminate, prune. The protocol (tus 1.0.0) lives in api.py; the rules that keep bytes safe live here."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.accounts.models import User
from anxin.core.exceptions import BadRequest, ValidationFailed
from anxin.uploads.errors import OffsetMismatch, TooLarge, UnsupportedType
from anxin.uploads.models import UPLOADS_DIR, Upload
from anxin.uploads.purposes import upload_purpose_get
from anxin.uploads.selectors import upload_get_for

EXPIRES_AFTER = timedelta(hours=24)
METADATA_MAX_CHARS = 4096
# Keys of Upload-Metadata this app reads itself; every other key goes to the purpose (encrypted at rest).
RESERVED_KEYS = {"purpose", "target", "filename", "filetype", "name", "type"}


def metadata_parse(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated ``key base64(value)`` pairs (a key alone means an empty value)."""
    if len(header) > METADATA_MAX_CHARS:
        raise TooLarge(_("Upload-Metadata 过长"), field="Upload-Metadata")
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _sep, encoded = item.partition(" ")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise BadRequest(
                _("Upload-Metadata 的 %(key)s 不是 Base64 编码的 UTF-8 文本") % {"key": key[:40]},
                code="invalid_metadata",
                field="Upload-Metadata",
            ) from None
        if not key or len(key) > 40 or key in pairs:
            raise BadRequest(
                _("Upload-Metadata 的键无效或重复"), code="invalid_metadata", field="Upload-Metadata"
            )
        pairs[key] = value
    return pairs


@transaction.atomic
def upload_create(*, actor: User, length: int, metadata: dict[str, str]) -> Upload:
    """A new empty upload, once its purpose allows this actor, this size and this type."""
    purpose = upload_purpose_get(metadata.get("purpose", ""))
    target = metadata.get("target", "").strip()
    if not target or len(target) > 200:
        raise ValidationFailed(_("请指定上传对象（target）"), code="required", field="target")
    if length < 1:
        raise ValidationFailed(_("文件不能为空"), code="empty", field="Upload-Length")
    if length > purpose.max_bytes:
        raise TooLarge(
            _("文件有 %(length)s 字节，上限为 %(limit)s 字节")
            % {"length": length, "limit": purpose.max_bytes},
            field="Upload-Length",
        )
    content_type = (metadata.get("filetype") or metadata.get("type") or "").strip()
    if not purpose.accepts(content_type):
        raise UnsupportedType(
            _("不接受此文件类型：%(type)s") % {"type": content_type[:100] or "—"}, field="filetype"
        )
    extra = {key: value for key, value in metadata.items() if key not in RESERVED_KEYS}
    purpose.authorize(actor, target, extra)
    now = timezone.now()
    upload_id = uuid.uuid4()
    upload = Upload(
        id=upload_id, owner=actor, purpose=purpose.name, target=target, metadata=json.dumps(extra),
        filename=(metadata.get("filename") or metadata.get("name") or "")[:200], length=length,
        content_type=content_type[:100], path=f"{UPLOADS_DIR}/{upload_id.hex}.part", created_at=now,
        expires_at=now + EXPIRES_AFTER,
    )  # fmt: skip
    upload.full_clean()
    upload.file_path.parent.mkdir(parents=True, exist_ok=True)
    upload.file_path.touch()
    upload.save(force_insert=True)
    return upload


@transaction.atomic
def upload_append(*, actor: User, upload_id: uuid.UUID, offset: int, data: bytes) -> Upload:
    """Write one chunk at ``offset`` and move the offset, in one step: the conditional update claims the
    range (a concurrent PATCH from the same offset finds it moved: 409), the bytes are written and synced
    while that row stays locked, and any failure rolls the offset back. The chunk that completes the file
    hands it to the purpose in the same transaction, so complete() runs exactly once."""
    upload = upload_get_for(actor=actor, upload_id=upload_id)
    if upload.finished_at is not None and offset == upload.length and not data:
        return upload  # a retried last PATCH with nothing left to send: already done
    if offset != upload.offset or upload.finished_at is not None:
        raise _mismatch(upload.offset)
    if offset + len(data) > upload.length:
        raise TooLarge(_("数据超出了声明的文件长度"), field="Content-Length")
    new_offset = offset + len(data)
    claimed = Upload.objects.filter(pk=upload.pk, offset=offset, finished_at__isnull=True).update(
        offset=new_offset
    )
    if claimed != 1:
        current = Upload.objects.filter(pk=upload.pk).values_list("offset", flat=True).first()
        raise _mismatch(current or 0)
    _write_at(upload.file_path, offset, data)
    upload.offset = new_offset
    if new_offset == upload.length:
        _finish(upload)
    return upload


def _mismatch(current: int) -> OffsetMismatch:
    return OffsetMismatch(
        _("Upload-Offset 与服务器不符：服务器已收到 %(offset)s 字节") % {"offset": current}, offset=current
    )


def _write_at(path: Path, offset: int, data: bytes) -> None:
    """Bytes past the committed offset are left-overs of a chunk whose transaction failed: cut them."""
    with open(path, "r+b") as f:
        f.truncate(offset)
        f.seek(offset)
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _finish(upload: Upload) -> None:
    digest = hashlib.sha256()
    with open(upload.file_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    upload.sha256 = digest.hexdigest()
    upload.finished_at = timezone.now()
    upload.result = upload_purpose_get(upload.purpose).complete(upload)
    json.dumps(upload.result)  # a purpose returning something unserialisable fails here, rolled back
    upload.save(update_fields=["sha256", "finished_at", "result"])
    path = upload.file_path
    # complete() copied what it keeps; the partial file goes once that is committed.
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


@transaction.atomic
def upload_terminate(*, actor: User, upload_id: uuid.UUID) -> None:
    """tus termination: the client gives up; the file and the row go (a finished upload's object stays)."""
    upload = upload_get_for(actor=actor, upload_id=upload_id, lock=True)
    path = upload.file_path
    upload.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


def uploads_expired_prune(*, now: datetime | None = None) -> int:
    """Delete uploads past their expiry and their partial files; returns how many rows went."""
    now = now or timezone.now()
    expired = list(Upload.objects.filter(expires_at__lte=now).values_list("pk", "path"))
    media_root = Path(settings.MEDIA_ROOT)
    for _pk, path in expired:
        (media_root / path).unlink(missing_ok=True)
    Upload.objects.filter(pk__in=[pk for pk, _path in expired]).delete()
    return len(expired)
