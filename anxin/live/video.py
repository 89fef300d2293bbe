"""Live video of the visit: who may stream and watch, the customer's consent, the recording's upload.

The stream itself goes browser to browser (WebRTC); the server only relays signaling (signaling.py)
and keeps the recording the technician's browser uploads in chunks while streaming. Reads and writes
are together here because they share the rules (when, who); docs/realtime.md "Live video".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from anxin.live.models import VideoConsent, VideoRecording
from anxin.live.selectors import subscription_order
from anxin.uploads.errors import TooLarge
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_event_record

logger = logging.getLogger("anxin.live")

# From arrival until the work is done: the technician is in the customer's home. Before (en route) there
# is nothing to show; after (completed) the visit is over and a camera at the door is not wanted.
VIDEO_STATUSES = frozenset({Status.ON_SITE, Status.DIAGNOSED, Status.AWAITING_APPROVAL, Status.IN_REPAIR})

CONTENT_TYPE = "video/webm"
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"  # EBML header: the first bytes of every WebM/Matroska file


# --- who -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoAccess:
    order: WorkOrder
    publisher: bool  # the order's technician: streams and records; everyone else in scope watches
    via_token: bool


def video_access(*, actor: User | AnonymousUser | None, number: str, token: str) -> VideoAccess | None:
    """The order pages' own authorization (tracking token, or the signed-in user's scope); the order's
    technician publishes, everyone else it lets in watches. None: not his to see."""
    order = subscription_order(actor=actor or AnonymousUser(), number=number, token=token)
    if order is None:
        return None
    publisher = (
        not token
        and isinstance(actor, User)
        and order.technician_id is not None
        and order.technician is not None
        and order.technician.user_id == actor.pk
    )
    return VideoAccess(order=order, publisher=publisher, via_token=bool(token))


def video_live(order: WorkOrder) -> bool:
    return order.status in VIDEO_STATUSES


# --- consent ---------------------------------------------------------------------------------------


def consent_current(*, order: WorkOrder) -> VideoConsent | None:
    """The customer's latest answer (None: never asked)."""
    return VideoConsent.objects.filter(order=order).order_by("-decided_at", "-id").first()


def consent_granted(*, order: WorkOrder) -> VideoConsent | None:
    answer = consent_current(order=order)
    return answer if answer is not None and answer.granted else None


def _is_the_customer(*, actor: User | AnonymousUser | None, order: WorkOrder, via_token: bool) -> bool:
    if via_token:
        return True  # the tracking link is the customer's own (sent to him only)
    return (
        isinstance(actor, User)
        and role_of(actor) == Role.CUSTOMER
        and order.customer is not None
        and order.customer.user_id == actor.pk
    )


@transaction.atomic
def consent_record(
    *, order: WorkOrder, granted: bool, actor: User | AnonymousUser | None, via_token: bool
) -> VideoConsent:
    """The customer answers (录像同意); only the customer: staff cannot consent for him."""
    if not _is_the_customer(actor=actor, order=order, via_token=via_token):
        raise PermissionDenied(gettext("只有客户本人可以同意或拒绝录像"), field="granted")
    answer = VideoConsent(
        order=order,
        granted=granted,
        actor=actor if isinstance(actor, User) else None,
        via=VideoConsent.Via.TRACKING_LINK if via_token else VideoConsent.Via.LOGIN,
        decided_at=timezone.now(),
    )
    answer.full_clean()
    answer.save()
    return answer


# --- the recording ---------------------------------------------------------------------------------


def _partial_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "live" / "partial"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _partial_path(recording: VideoRecording) -> Path:
    return _partial_dir() / recording.partial_name


def _require_publisher(access: VideoAccess) -> None:
    if not access.publisher:
        raise PermissionDenied(gettext("只有本工单的技师可以录像"), field="number")


@transaction.atomic
def recording_start(*, access: VideoAccess) -> VideoRecording:
    """The technician's page starts recording: only on site, only with the customer's consent."""
    _require_publisher(access)
    order = access.order
    if not video_live(order):
        raise Conflict(gettext("技师到场后、完工前才能直播和录像"), code="not_on_site", field="number")
    consent = consent_granted(order=order)
    if consent is None:
        raise Conflict(
            gettext("客户尚未同意录像，只能直播不能录像"), code="consent_required", field="consent"
        )
    assert order.technician is not None
    recording = VideoRecording(
        order=order,
        technician=order.technician,
        consent=consent,
        started_at=timezone.now(),
        partial_name=f"{secrets.token_hex(16)}.part",
    )
    recording.full_clean()
    recording.save()
    _partial_path(recording).touch()
    return recording


def recording_get_for(*, access: VideoAccess, recording_id: int) -> VideoRecording:
    """A recording of the order the actor may see (never another order's by id)."""
    recording = VideoRecording.objects.filter(order=access.order, pk=recording_id).first()
    if recording is None:
        raise NotFound(gettext("没有这段录像"), field="recording")
    return recording


def recording_append(*, access: VideoAccess, recording_id: int, offset: int, data: bytes) -> VideoRecording:
    """Append one chunk at ``offset`` (must equal what the server has: a resumed upload asks first).

    The row lock serialises two requests racing with the same chunk; the second gets 409 and the
    server's offset, as after a dropped connection.
    """
    _require_publisher(access)
    with transaction.atomic():
        recording = (
            VideoRecording.objects.select_for_update().filter(order=access.order, pk=recording_id).first()
        )
        if recording is None:
            raise NotFound(gettext("没有这段录像"), field="recording")
        if recording.state != VideoRecording.State.UPLOADING:
            raise Conflict(gettext("这段录像已结束上传"), code="recording_finished", field="recording")
        if offset != recording.size:
            raise Conflict(
                gettext("上传位置不符：服务器已有 %(size)s 字节") % {"size": recording.size},
                code="offset_mismatch",
                field="offset",
            )
        if offset == 0 and data and not data.startswith(WEBM_MAGIC[: len(data)]):
            raise ValidationFailed(gettext("录像必须是 WebM 格式"), field="file")
        limit = settings.ANXIN_LIVE_RECORDING_MAX_BYTES
        if recording.size + len(data) > limit:
            raise TooLarge(gettext("录像超过上限 %(limit)s 字节") % {"limit": limit}, field="file")
        with open(_partial_path(recording), "r+b") as f:
            f.seek(offset)
            f.write(data)
            f.truncate()
        recording.size = offset + len(data)
        recording.save(update_fields=["size", "updated_at"])
    return recording


@dataclass(frozen=True)
class Decoded:
    duration_s: float
    frames: int


def video_decode(path: Path) -> Decoded:
    """Decode every frame (PyAV): a file that does not decode is not evidence of anything."""
    import av

    frames = 0
    times: list[float] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ValidationFailed(gettext("录像中没有视频画面"), field="file")
            for frame in container.decode(container.streams.video[0]):
                frames += 1
                if frame.time is not None:
                    times.append(float(frame.time))
    except av.error.FFmpegError as exc:
        raise ValidationFailed(gettext("录像文件无法解码"), field="file") from exc
    if frames == 0:
        raise ValidationFailed(gettext("录像中没有视频画面"), field="file")
    # MediaRecorder writes no duration in the header: the frames' first and last times give it.
    return Decoded(duration_s=(max(times) - min(times)) if times else 0.0, frames=frames)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def recording_finish(*, access: VideoAccess, recording_id: int, actor: User) -> VideoRecording:
    """The stream ended: decode the whole file, hash it, keep it and put the hash on the timeline.

    A file that does not decode is refused (422) and dropped; finishing twice returns the kept one.
    """
    _require_publisher(access)
    return _recording_close(order=access.order, recording_id=recording_id, actor=actor)


def _recording_close(*, order: WorkOrder, recording_id: int, actor: User | None) -> VideoRecording:
    with transaction.atomic():
        recording = VideoRecording.objects.select_for_update().filter(order=order, pk=recording_id).first()
        if recording is None:
            raise NotFound(gettext("没有这段录像"), field="recording")
        if recording.state == VideoRecording.State.COMPLETE:
            return recording
        if recording.state != VideoRecording.State.UPLOADING:
            raise Conflict(gettext("这段录像已结束上传"), code="recording_finished", field="recording")
        partial = _partial_path(recording)
        try:  # under the row lock: no chunk can land between the decode and the hash
            decoded = video_decode(partial)
        except ValidationFailed as exc:
            refused: ValidationFailed | None = exc  # kept as refused (committed), then the caller hears why
            recording.state = VideoRecording.State.REFUSED
            recording.ended_at = timezone.now()
            recording.save(update_fields=["state", "ended_at"])
            logger.warning("order %s: recording %s does not decode", order.number, recording.pk)
        else:
            refused = None
            _recording_keep(recording=recording, partial=partial, decoded=decoded, actor=actor)
    partial.unlink(missing_ok=True)
    if refused is not None:
        raise refused
    return recording


def recordings_abandoned_close(*, now: dt.datetime | None = None) -> int:
    """Recordings whose phone stopped sending (battery, network, page closed) for
    ``ANXIN_LIVE_RECORDING_IDLE_CLOSE_MINUTES`` are closed by the system with what arrived: a visit's
    evidence is kept even when the stream did not end cleanly (MediaRecorder's chunks decode as they are).
    Returns how many were kept."""
    idle = dt.timedelta(minutes=settings.ANXIN_LIVE_RECORDING_IDLE_CLOSE_MINUTES)
    stale = VideoRecording.objects.filter(
        state=VideoRecording.State.UPLOADING, updated_at__lt=(now or timezone.now()) - idle
    ).select_related("order")
    kept = 0
    for recording in stale:
        try:
            _recording_close(order=recording.order, recording_id=recording.pk, actor=None)
        except ValidationFailed:
            continue  # nothing playable arrived: kept as refused
        kept += 1
    return kept


def _recording_keep(
    *, recording: VideoRecording, partial: Path, decoded: Decoded, actor: User | None
) -> None:
    recording.sha256 = _sha256_of(partial)
    recording.duration_s = decoded.duration_s
    recording.frames = decoded.frames
    recording.size = partial.stat().st_size
    recording.ended_at = timezone.now()
    recording.state = VideoRecording.State.COMPLETE
    with open(partial, "rb") as f:
        recording.file.save("recording.webm", File(f), save=False)
    recording.save()
    workorder_event_record(
        order=recording.order,
        event=Event.VIDEO_RECORDED,
        actor=actor,
        actor_label="" if actor is not None else "system",
        # No personal data: a number, a length and a hash (the report prints the same line).
        note=f"#{recording.pk} {decoded.duration_s:.0f}s sha256 {recording.sha256}",
        details=json.dumps({"recording": recording.pk, "sha256": recording.sha256}),
    )


def recordings_of(*, order: WorkOrder) -> QuerySet[VideoRecording]:
    """The order's kept recordings, oldest first (for the pages' links)."""
    return VideoRecording.objects.filter(order=order, state=VideoRecording.State.COMPLETE).order_by(
        "started_at"
    )
