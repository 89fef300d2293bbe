from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import wraps
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from anxin.accounts.models import User
from anxin.accounts.permissions import Action, require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import Conflict, DomainError, NotFound, ValidationFailed
from anxin.core.middleware import api_error
from anxin.live.permissions import VIDEO_CONSENT, VIDEO_PUBLISH, VIDEO_WATCH
from anxin.live.services import arrival_confirm
from anxin.live.templatetags.live import video_context
from anxin.live.video import (
    CONTENT_TYPE,
    VideoAccess,
    consent_record,
    recording_append,
    recording_finish,
    recording_get_for,
    recording_start,
    video_access,
)
from anxin.workorders.selectors import workorder_get_for


@login_required
@require_POST
def arrive(request: AuthedRequest, number: str) -> HttpResponse:
    """The technician's "arrived" button: with the code the customer tells him at the door."""
    order = workorder_get_for(actor=request.user, number=number)
    try:
        arrival_confirm(order=order, code=request.POST.get("arrival_code", ""), actor=request.user)
    except ValidationFailed as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, gettext("已核验到场验证码，已登记到场。"))
    return redirect("dispatch:me")


# --- live video (docs/realtime.md "Live video") --------------------------------------------------


def _access(request: HttpRequest, number: str, action: Action) -> VideoAccess:
    """The order pages' authorization: the tracking link's token (query or form) stands for the customer;
    otherwise the role must hold ``action`` (403 before any lookup), then the order must be in his scope
    (404), then the action must cover it."""
    token = request.GET.get("t") or request.POST.get("t") or ""
    user = request.user if isinstance(request.user, User) else None
    if not token:
        require(user, action)
    access = video_access(actor=request.user, number=number, token=token)
    if access is None:
        raise NotFound(gettext("没有您可查看的工单 %(number)s") % {"number": number}, field="number")
    if not token:
        require(user, action, access.order)
    return access


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The recording endpoints are called by the page's script: errors as JSON naming the field."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            response = api_error(exc.status, exc.code, exc.detail, exc.field)
            if isinstance(exc, Conflict) and exc.code == "offset_mismatch":
                response["Upload-Offset"] = str(_offset_of(request, kwargs))
            return response

    return wrapper


def _offset_of(request: HttpRequest, kwargs: dict[str, Any]) -> int:
    access = _access(request, kwargs["number"], VIDEO_PUBLISH)
    return recording_get_for(access=access, recording_id=kwargs["recording_id"]).size


def video_page(request: HttpRequest, number: str) -> HttpResponse:
    """The technician streams from here (his phone); staff in scope and the customer may watch here too."""
    access = _access(request, number, VIDEO_WATCH)
    return render(request, "live/video_page.html", {"order": access.order, **video_context(request, access)})


@require_POST
def video_consent(request: HttpRequest, number: str) -> HttpResponse:
    """The customer answers 录像同意 on his order page (before or during the visit)."""
    access = _access(request, number, VIDEO_CONSENT)
    granted = request.POST.get("granted", "")
    if granted not in {"1", "0"}:
        raise ValidationFailed(gettext("请选择同意或不同意录像"), field="granted")
    consent_record(order=access.order, granted=granted == "1", actor=request.user, via_token=access.via_token)
    messages.success(request, gettext("已记录您的选择。"))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


@require_POST
@_json_errors
def recording_start_view(request: HttpRequest, number: str) -> HttpResponse:
    recording = recording_start(access=_access(request, number, VIDEO_PUBLISH))
    return JsonResponse(
        {"id": recording.pk, "offset": 0, "max_bytes": settings.ANXIN_LIVE_RECORDING_MAX_BYTES}
    )


@require_http_methods(["HEAD", "GET", "PATCH"])
@_json_errors
def recording_upload_view(request: HttpRequest, number: str, recording_id: int) -> HttpResponse:
    """GET/HEAD: how much the server has (to resume); PATCH with ``Upload-Offset``: append the body."""
    access = _access(request, number, VIDEO_PUBLISH)
    if request.method in {"HEAD", "GET"}:
        recording = recording_get_for(access=access, recording_id=recording_id)
    else:
        try:
            offset = int(request.headers.get("Upload-Offset", ""))
        except ValueError:
            raise ValidationFailed(gettext("缺少上传位置 Upload-Offset"), field="offset") from None
        recording = recording_append(
            access=access, recording_id=recording_id, offset=offset, data=request.body
        )
    response = JsonResponse({"offset": recording.size})
    response["Upload-Offset"] = str(recording.size)
    return response


@require_POST
@_json_errors
def recording_finish_view(request: HttpRequest, number: str, recording_id: int) -> HttpResponse:
    access = _access(request, number, VIDEO_PUBLISH)
    recording = recording_finish(access=access, recording_id=recording_id, actor=request.user)  # type: ignore[arg-type]  # publisher: signed in
    return JsonResponse(
        {
            "id": recording.pk,
            "sha256": recording.sha256,
            "size": recording.size,
            "duration_s": recording.duration_s,
            "frames": recording.frames,
        }
    )


def recording_file(request: HttpRequest, number: str, recording_id: int) -> StreamingHttpResponse:
    """Watch a kept recording later: anyone who may see the order (token or session), nobody else."""
    access = _access(request, number, VIDEO_WATCH)
    recording = recording_get_for(access=access, recording_id=recording_id)
    if recording.state != recording.State.COMPLETE:
        raise NotFound(gettext("没有这段录像"), field="recording")
    # An async iterator: under ASGI a file read synchronously would be buffered whole in memory first.
    response = StreamingHttpResponse(_file_chunks(recording.file.open("rb")), content_type=CONTENT_TYPE)
    response["Content-Length"] = str(recording.size)
    response["Content-Disposition"] = f'inline; filename="{access.order.number}-{recording.pk}.webm"'
    response["Cache-Control"] = "private, no-store"
    return response


async def _file_chunks(file: File, size: int = 256 * 1024) -> AsyncIterator[bytes]:
    try:
        while chunk := await sync_to_async(file.read)(size):
            yield chunk
    finally:
        await sync_to_async(file.close)()
