"""Idempotent page actions: a POST carrying ``Idempotency-Key`` runs once per signed-in user and key.

The technician's phone (static/js/field-offline.js and its service worker) gives every action a key, queues
it while offline and replays the queue in order on reconnect. When an answer is lost on the way back, the
phone sends the same action again; this middleware answers it from the first attempt instead of redoing it:
204 for a success (the page refreshes itself), the first status for a refusal, with a toast saying so.
The API has its own idempotency for orders (``anxin.intake``); this covers the session-authenticated pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from anxin.core.crypto import get_keyring
from anxin.core.htmx import toast_trigger
from anxin.core.models import ReplayGuard

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 100
# A first attempt still "running" after this long died with its process: let the replay run it.
ABANDONED_AFTER = dt.timedelta(seconds=60)
KEEP_FOR = dt.timedelta(days=7)


def _digest(user_id: int, path: str, key: str) -> str:
    message = f"replay:{user_id}:{path}:{key}".encode()
    return hmac.new(get_keyring().blind_index_key, message, hashlib.sha256).hexdigest()


class ReplayGuardMiddleware:
    """Listed after CSRF and authentication: only a valid, signed-in form post is guarded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        guard: ReplayGuard | None = getattr(request, "_replay_guard", None)
        if guard is not None:
            if response.status_code >= 500:  # a server fault: let the phone try again
                ReplayGuard.objects.filter(pk=guard.pk).delete()
            else:
                ReplayGuard.objects.filter(pk=guard.pk).update(status=response.status_code)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        key = request.headers.get(HEADER, "")
        if request.method != "POST" or not key or request.path.startswith("/api/"):
            return None
        if not request.user.is_authenticated or len(key) > MAX_KEY_LENGTH:
            return None
        digest = _digest(request.user.pk, request.path, key)
        try:
            with transaction.atomic():
                request._replay_guard = ReplayGuard.objects.create(digest=digest)  # type: ignore[attr-defined]
            return None
        except IntegrityError:
            return _answer_again(request, digest)


def _answer_again(request: HttpRequest, digest: str) -> HttpResponse | None:
    first = ReplayGuard.objects.filter(digest=digest).first()
    if first is None:  # pruned in between: nothing to compare with, so this is a first attempt
        request._replay_guard = ReplayGuard.objects.create(digest=digest)  # type: ignore[attr-defined]
        return None
    if first.status is None:
        if timezone.now() - first.created_at < ABANDONED_AFTER:
            response = HttpResponse(status=409)
            toast_trigger(response, {"level": "warning", "message": gettext("该操作正在处理中，请稍候")})
            response[REPLAYED_HEADER] = "running"
            return response
        request._replay_guard = first  # type: ignore[attr-defined]
        return None
    if first.status < 400:
        response = HttpResponse(status=204)
        toast_trigger(response, {"level": "info", "message": gettext("该操作此前已提交成功")})
    else:
        response = HttpResponse(gettext("该操作此前已被拒绝"), status=first.status)
        toast_trigger(response, {"level": "error", "message": gettext("该操作此前已被拒绝")})
    response[REPLAYED_HEADER] = "true"
    return response


def replay_guards_prune(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than a week: a phone does not hold an action that long (the queue says so)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = ReplayGuard.objects.filter(created_at__lt=cutoff).delete()
    return deleted
