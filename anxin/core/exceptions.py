"""Domain errors. Services raise these; the API and views turn them into 4xx answers."""

from __future__ import annotations


class DomainError(Exception):
    """A request that cannot be carried out as asked. ``code`` is stable, ``detail`` is for people."""

    status = 400
    code = "invalid"
    retry_after: int | None = None  # seconds, when waiting helps (RateLimited); sent as Retry-After

    def __init__(self, detail: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


def error_headers(exc: DomainError) -> dict[str, str]:
    """Headers every answer to ``exc`` carries, page or API (a rate limit says when to try again)."""
    retry_after = getattr(exc, "retry_after", None)  # set by core.ratelimit on RateLimited
    return {"Retry-After": str(retry_after)} if retry_after else {}
