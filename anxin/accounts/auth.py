"""API authentication: bearer tokens for apps/partners, the session for signed-in pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from anxin.accounts.models import ApiToken, User
from anxin.core.exceptions import PermissionDenied


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=ApiToken.hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        # Touch at most once a minute: a write per request would serialize SQLite.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


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
                "CSRF check failed: send the csrftoken cookie's value in X-CSRFToken", code="csrf_failed"
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if key is None:  # _get_key gives a key only to a signed-in user
            return None
        return request.user if isinstance(request.user, User) else None


api_auth = [TokenAuth(), SessionAuth()]
