"""The answers the tus protocol needs beyond anxin.core.exceptions (same error shape, other statuses)."""

from __future__ import annotations

from anxin.core.exceptions import Conflict, DomainError


class OffsetMismatch(Conflict):
    """The client's Upload-Offset is not the server's: it asks HEAD (or reads Upload-Offset here) and resumes."""

    code = "offset_mismatch"

    def __init__(self, detail: str, *, offset: int) -> None:
        super().__init__(detail, field="Upload-Offset")
        self.offset = offset


class TooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class UnsupportedType(DomainError):
    status = 415
    code = "unsupported_media_type"


class Expired(DomainError):
    status = 410
    code = "upload_expired"
