"""API authentication: bearer tokens for apps/partners, the session for signed-in pages."""

from __future__ import annotations

import copy
import threading
import time

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from anxin.accounts.models import ApiToken, User
from anxin.core.exceptions import PermissionDenied

# A valid token is remembered per process for a few seconds (one query less per API call at peak):
# a revoked token or a deactivated user is refused within TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 5.0
_token_lock = threading.Lock()
_token_cache: dict[str, tuple[float, ApiToken]] = {}


def token_cache_clear() -> None:
    with _token_lock:
        _token_cache.clear()


def _api_token_valid(token_hash: str) -> ApiToken | None:
    now = time.monotonic()
    hit = _token_cache.get(token_hash)
    if hit is not None and now - hit[0] < TOKEN_CACHE_SECONDS:
        return hit[1]
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    with _token_lock:
        if api_token is None:
            _token_cache.pop(token_hash, None)
        else:
            _token_cache[token_hash] = (now, api_token)
    return api_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = _api_token_valid(ApiToken.hash_token(token))
        if api_token is None:
            return None
        # Touch at most once a minute: a write per request would serialize SQLite.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        user = copy.copy(api_token.user)  # each request its own instance: caches on it stay per request
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked), so pages can call the API too."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF matters only when the cookie actually signs someone in: a request with no session (or a
        # stale one) carries no ambient authority, so it is a 401, not a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise PermissionDenied(
                gettext("CSRF 校验失败：请在 X-CSRFToken 请求头中发送 csrftoken cookie 的值"),
                code="csrf_failed",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if key is None:  # _get_key gives a key only to a signed-in user
            return None
        return request.user if isinstance(request.user, User) else None


api_auth = [TokenAuth(), SessionAuth()]
