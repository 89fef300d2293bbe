"""Social/IM webhook: HMAC-signed JSON from the messaging platform's bridge.

Signature: header ``X-Anxin-Signature: sha256=<hex>`` over ``<X-Anxin-Timestamp>.<raw body>``
with the shared secret; timestamps older than five minutes are refused (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.utils.translation import gettext

from anxin.core.exceptions import PermissionDenied

MAX_SKEW_SECONDS = 300


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    *, secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> None:
    if not secret:  # an unset secret would make every signature forgeable
        raise PermissionDenied(
            gettext("此 webhook 未配置（未设置密钥）"),
            code="webhook_disabled",
            field="X-Anxin-Signature",
        )
    if not timestamp or not signature:
        raise PermissionDenied(
            gettext("缺少 X-Anxin-Timestamp 或 X-Anxin-Signature"),
            code="bad_signature",
            field="X-Anxin-Signature",
        )
    try:
        skew = abs((now or time.time()) - int(timestamp))
    except ValueError as exc:
        raise PermissionDenied(
            gettext("X-Anxin-Timestamp 应为 Unix 秒数"), code="bad_signature", field="X-Anxin-Timestamp"
        ) from exc
    if skew > MAX_SKEW_SECONDS:
        raise PermissionDenied(gettext("签名时间戳已过期"), code="bad_signature", field="X-Anxin-Timestamp")
    if not hmac.compare_digest(sign(secret=secret, timestamp=timestamp, body=body), signature.strip()):
        raise PermissionDenied(gettext("签名与请求内容不符"), code="bad_signature", field="X-Anxin-Signature")
