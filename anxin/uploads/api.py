"""Resumable uploads over the tus 1.0.0 protocol (core, creation, expiration, termination).

The flow (https://tus.io/protocols/resumable-upload):

1. ``POST /api/v1/uploads/`` with ``Upload-Length`` and ``Upload-Metadata`` (``purpose``, ``target``,
   ``filetype``, ``filename`` and the purpose's own keys, each value Base64) → 201 and ``Location``.
2. ``PATCH {Location}`` with ``Upload-Offset`` and ``Content-Type: application/offset+octet-stream``, the
   chunk as the raw body → 204 and the new ``Upload-Offset``. A wrong offset is a 409 carrying the server's
   ``Upload-Offset``; the chunk that completes the file answers ``Anxin-Upload-Result`` (JSON: what the
   purpose made of it, e.g. ``{"photo_id": 7}``).
3. After a dropped connection: ``HEAD {Location}`` → ``Upload-Offset`` (and the result once finished),
   then PATCH from there.

Every request but OPTIONS sends ``Tus-Resumable: 1.0.0``. Same auth as the rest of the API (bearer token,
or the session with ``X-CSRFToken``). Another user's upload is a 404; an unfinished upload past
``Upload-Expires`` is a 410. Errors have the project's one shape.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import http_date
from ninja import Header, Router

from anxin.accounts.auth import api_auth
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError, error_headers
from anxin.core.schemas import errors
from anxin.uploads import selectors, services
from anxin.uploads.errors import OffsetMismatch, UnsupportedType
from anxin.uploads.models import Upload
from anxin.uploads.purposes import upload_purposes

TUS_VERSION = "1.0.0"
CHUNK_TYPE = "application/offset+octet-stream"
RESULT_HEADER = "Anxin-Upload-Result"

router = Router(tags=["uploads"], auth=api_auth)

TusResumable = Literal["1.0.0"]
TUS_HEADER = Header(alias="Tus-Resumable", description="the protocol version: 1.0.0")


def tus_answer(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every answer carries Tus-Resumable and is never cached; a domain error keeps the project's shape
    and, for a wrong offset, tells the client where the server is."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except DomainError as exc:
            response = JsonResponse(
                {"error": exc.code, "detail": exc.detail, "field": exc.field}, status=exc.status
            )
            for header, value in error_headers(exc).items():
                response[header] = value
            if isinstance(exc, OffsetMismatch):
                response["Upload-Offset"] = str(exc.offset)
            if isinstance(exc, UnsupportedType | OffsetMismatch) or exc.status == 413:
                response["Tus-Version"] = TUS_VERSION
        response["Tus-Resumable"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


def _state_headers(response: HttpResponse, upload: Upload) -> HttpResponse:
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    response["Upload-Expires"] = http_date(upload.expires_at.timestamp())
    if upload.finished_at is not None:
        response[RESULT_HEADER] = json.dumps(upload.result, ensure_ascii=True, separators=(",", ":"))
    return response


@router.api_operation(["OPTIONS"], "/", auth=None, response={204: None})
@tus_answer
def tus_options(request: HttpRequest) -> HttpResponse:
    """What this server speaks (tus discovery): version, extensions, the largest file any purpose takes."""
    response = HttpResponse(status=204)
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = "creation,expiration,termination"
    response["Tus-Max-Size"] = str(max((p.max_bytes for p in upload_purposes()), default=0))
    return response


@router.post("/", response={201: None, **errors(400, 401, 403, 404, 413, 415, 422)})
@tus_answer
def upload_create(
    request: AuthedRequest,
    tus_resumable: TusResumable = TUS_HEADER,
    upload_length: int = Header(alias="Upload-Length", ge=0, le=2**53),
    upload_metadata: str = Header("", alias="Upload-Metadata", max_length=services.METADATA_MAX_CHARS),
) -> HttpResponse:
    """Create an upload (tus creation). ``Upload-Metadata`` must name ``purpose`` (e.g. ``visit_photo``),
    ``target`` (what the file belongs to, e.g. the order number) and ``filetype`` (a type the purpose
    takes); other keys go to the purpose (``visit_photo``: ``role``, and ``inspection_id`` + ``item_code``
    for a checklist item). The purpose decides who may send (403/404) before any byte; a file over its
    limit is 413, a type it does not take 415. ``Location`` is the upload's URL; no bytes are taken here."""
    metadata = services.metadata_parse(upload_metadata)
    upload = services.upload_create(actor=request.auth, length=upload_length, metadata=metadata)
    response = _state_headers(HttpResponse(status=201), upload)
    response["Location"] = f"{request.path.rstrip('/')}/{upload.pk}"
    return response


@router.api_operation(["HEAD"], "/{upload_id}", response={200: None, **errors(401, 404, 410, 422)})
@tus_answer
def upload_head(
    request: AuthedRequest, upload_id: uuid.UUID, tus_resumable: TusResumable = TUS_HEADER
) -> HttpResponse:
    """Where the upload stands: ``Upload-Offset`` is where the next PATCH starts."""
    upload = selectors.upload_get_for(actor=request.auth, upload_id=upload_id)
    return _state_headers(HttpResponse(status=200), upload)


@router.patch(
    "/{upload_id}",
    response={204: None, **errors(400, 401, 403, 404, 409, 410, 413, 415, 422)},
    openapi_extra={"description": "The chunk is the raw body, sent as application/offset+octet-stream."},
)
@tus_answer
def upload_patch(
    request: AuthedRequest,
    upload_id: uuid.UUID,
    tus_resumable: TusResumable = TUS_HEADER,
    upload_offset: int = Header(alias="Upload-Offset", ge=0, le=2**53),
) -> HttpResponse:
    """Append one chunk at ``Upload-Offset``. 409 (with the server's offset) if it is not where the
    server is; the chunk that completes the file answers what the purpose made of it."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if content_type != CHUNK_TYPE and (content_type or request.body):  # an empty body may omit the type
        raise UnsupportedType(f"Content-Type: {CHUNK_TYPE}", field="Content-Type")
    upload = services.upload_append(
        actor=request.auth, upload_id=upload_id, offset=upload_offset, data=request.body
    )
    return _state_headers(HttpResponse(status=204), upload)


@router.delete("/{upload_id}", response={204: None, **errors(401, 404, 410, 422)})
@tus_answer
def upload_delete(
    request: AuthedRequest, upload_id: uuid.UUID, tus_resumable: TusResumable = TUS_HEADER
) -> HttpResponse:
    """Give up an upload (tus termination): its partial file is deleted."""
    services.upload_terminate(actor=request.auth, upload_id=upload_id)
    return HttpResponse(status=204)
