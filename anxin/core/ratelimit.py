"""Rate limits and login lockouts on the Django cache (shared across workers via DB or Redis cache).

Three tools:

* ``ratelimit_hit`` counts requests in fixed windows ("10/m", or several at once: "5/h,10/d")
  and raises ``RateLimited`` (429, with ``retry_after``) once a window's budget is spent.
* ``client_ip`` finds the caller's address, trusting a proxy header only when configured to.
* ``login_guard_*`` lock an account or an address out after repeated wrong passwords or codes,
  with a delay that doubles on every further failure.

Cache keys never hold a phone number, user name or address in clear: every key is an HMAC
(the customer-data blind-index key) of what it counts.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import inspect
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext

from anxin.core.exceptions import RateLimited

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.strip().partition("/")
    if not count.isdigit() or period not in _PERIODS:
        raise ImproperlyConfigured(f"rate must look like '10/m', got {rate!r}")
    return int(count), _PERIODS[period]


def parse_rates(rates: str) -> list[tuple[int, int]]:
    """'5/h,10/d' -> [(5, 3600), (10, 86400)]; every window must have budget left."""
    parsed = [parse_rate(part) for part in rates.split(",") if part.strip()]
    if not parsed:
        raise ImproperlyConfigured(f"rate must look like '10/m', got {rates!r}")
    return parsed


def key_digest(value: str, *, scope: str) -> str:
    """A keyed hash of what is counted, so cache keys reveal no phone, user name or address."""
    from anxin.core.crypto import get_keyring

    mac = hmac.new(get_keyring().blind_index_key, f"ratelimit:{scope}:{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def rate_limited(seconds: int) -> RateLimited:
    exc = RateLimited(
        gettext("请求过于频繁，请在 %(seconds)s 秒后再试。") % {"seconds": seconds}, code="rate_limited"
    )
    exc.retry_after = seconds
    return exc


def ratelimit_hit(*, scope: str, key: str, rate: str) -> None:
    """Count one hit for ``key`` in ``scope``; raise RateLimited when any window's budget is spent."""
    digest = key_digest(key, scope=scope)
    now = time.time()
    for limit, period in parse_rates(rate):
        window = int(now // period)
        cache_key = f"rl:{scope}:{period}:{digest}:{window}"
        hits = _window_count(cache_key, timeout=period + 1, refresh_timeout=period > 300)
        if hits > limit:
            raise rate_limited(max(1, math.ceil((window + 1) * period - now)))


def _window_count(cache_key: str, *, timeout: int, refresh_timeout: bool) -> int:
    """Add one hit to a window's counter and return the count. Incr first: after a window's first hit the
    key exists, so a busy client costs one cache round trip per request instead of two."""
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # the window's first hit (or its key just expired)
        if cache.add(cache_key, 1, timeout=timeout):
            return 1
        try:
            hits = cache.incr(cache_key)  # another request created it in between
        except ValueError:
            cache.set(cache_key, 1, timeout=timeout)
            return 1
    if refresh_timeout:
        # The database cache's incr() re-sets with the default 5-minute timeout; keep the window's.
        cache.touch(cache_key, timeout=timeout)
    return int(hits)


def ratelimit(
    *, scope: str, rate_setting: str, key: Callable[[HttpRequest], str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for views and API endpoints: count every call per ``key(request)`` (the client
    address unless given) against the rate named by ``rate_setting``. Raises RateLimited, which the
    API turns into a 429 with ``Retry-After``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            ratelimit_hit(scope=scope, key=(key or client_ip)(request), rate=getattr(settings, rate_setting))
            return view(request, *args, **kwargs)

        # django-ninja reads the parameters from the signature; resolve string annotations here,
        # where the view's module globals are known (the wrapper's globals are this module's).
        # typeshed declares no __signature__ on functions, though inspect.signature() honours it.
        wrapped.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return wrapped

    return decorate


def ratelimit_phone(*, scope: str, phone: str) -> None:
    """Per-recipient budget of incoming requests for one phone number (counted by its digits only)."""
    from anxin.core.masking import normalize_phone

    normalized = normalize_phone(phone)
    if normalized:
        ratelimit_hit(scope=f"{scope}-phone", key=normalized, rate=settings.ANXIN_PHONE_REQUEST_RATE)


# -- client address -------------------------------------------------------------------------------


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@functools.cache
def _trusted_networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"ANXIN_TRUSTED_PROXIES has a bad address: {exc}") from exc


def client_ip(request: HttpRequest) -> str:
    """The caller's address.

    ``REMOTE_ADDR`` unless ``ANXIN_TRUSTED_PROXY_HEADER`` is set (e.g. ``X-Forwarded-For``). Then the
    header is read only when the request came from a trusted proxy, and the client is the right-most
    address not added by one: with ``ANXIN_TRUSTED_PROXIES`` (addresses/networks), addresses inside them
    are skipped from the right; otherwise ``ANXIN_TRUSTED_PROXY_HOPS`` entries are. A client cannot
    spoof its address by sending the header itself, because only entries left of what our proxies
    appended are its own, and those are never used.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    header = settings.ANXIN_TRUSTED_PROXY_HEADER
    if not header:
        return remote
    meta_name = "HTTP_" + header.upper().replace("-", "_")
    forwarded = [part.strip() for part in request.META.get(meta_name, "").split(",") if part.strip()]
    chain = [*forwarded, remote]
    networks = _trusted_networks(settings.ANXIN_TRUSTED_PROXIES)
    if networks:
        client = remote
        for entry in reversed(chain):
            address = _parse_ip(entry)
            if address is None:
                return client
            client = str(address)
            if not any(address in network for network in networks):
                return client
        return client
    hops = settings.ANXIN_TRUSTED_PROXY_HOPS
    if hops <= 0 or len(chain) <= hops:
        # Fewer entries than proxies: the request did not pass through all of them.
        return remote
    address = _parse_ip(chain[-(hops + 1)])
    return str(address) if address is not None else remote


# -- login lockouts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    """Who is locked (``scope`` of the first locked key) and for how many more seconds."""

    scope: str
    retry_after: int


def lockout_delay(failures: int) -> int:
    """Seconds locked after ``failures`` wrong attempts: none for the first few, then doubling."""
    free = settings.ANXIN_LOGIN_FREE_ATTEMPTS
    if failures < free:
        return 0
    return min(
        settings.ANXIN_LOGIN_LOCKOUT_BASE_S * 2 ** (failures - free), settings.ANXIN_LOGIN_LOCKOUT_MAX_S
    )


def _guard_keys(keys: dict[str, str]) -> dict[str, str]:
    return {scope: f"lg:{scope}:{key_digest(value, scope=scope)}" for scope, value in keys.items() if value}


def login_guard_check(*, keys: dict[str, str]) -> Lockout | None:
    """The lockout in force for any of ``keys`` ({scope: value}, e.g. account and address), if any."""
    now = time.time()
    stored = cache.get_many([f"{k}:until" for k in _guard_keys(keys).values()])
    worst: Lockout | None = None
    for scope, cache_key in _guard_keys(keys).items():
        until = stored.get(f"{cache_key}:until")
        if until and until > now:
            remaining = math.ceil(until - now)
            if worst is None or remaining > worst.retry_after:
                worst = Lockout(scope=scope, retry_after=remaining)
    return worst


def login_guard_fail(*, keys: dict[str, str]) -> dict[str, int]:
    """Count one failure for each key; lock those past the free attempts. Returns failures per scope."""
    window = settings.ANXIN_LOGIN_FAILURE_WINDOW_S
    now = time.time()
    counts: dict[str, int] = {}
    for scope, cache_key in _guard_keys(keys).items():
        if cache.add(f"{cache_key}:n", 1, timeout=window):
            failures = 1
        else:
            try:
                failures = cache.incr(f"{cache_key}:n")
                cache.touch(f"{cache_key}:n", timeout=window)
            except ValueError:
                cache.set(f"{cache_key}:n", 1, timeout=window)
                failures = 1
        delay = lockout_delay(failures)
        if delay:
            cache.set(f"{cache_key}:until", now + delay, timeout=delay + 1)
        counts[scope] = failures
    return counts


def login_guard_reset(*, keys: dict[str, str]) -> None:
    """Forget failures after a successful sign-in (of that account; the address keeps its count)."""
    for cache_key in _guard_keys(keys).values():
        cache.delete_many([f"{cache_key}:n", f"{cache_key}:until"])
