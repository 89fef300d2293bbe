"""A fixed-window rate limiter on the Django cache (shared across workers via DB or Redis cache)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from anxin.core.exceptions import RateLimited

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    if not count.isdigit() or period not in _PERIODS:
        raise ImproperlyConfigured(f"rate must look like '10/m', got {rate!r}")
    return int(count), _PERIODS[period]


def ratelimit_hit(*, scope: str, key: str, rate: str) -> None:
    """Count one hit; raise RateLimited when the window's budget is spent."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    cache_key = f"rl:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period + 1):
        return
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        return
    if hits > limit:
        raise RateLimited(f"Too many requests; try again in {period} seconds", code="rate_limited")


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
