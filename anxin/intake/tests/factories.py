"""Intake test helpers: deliveries to the signed webhooks (social messages, relayed mail)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.test import Client

from anxin.intake.channels.social import sign

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse  # the stubs' test-client response (has .json())


def signed_post(
    client: Client,
    path: str,
    body: bytes,
    secret: str,
    *,
    content_type: str = "application/json",
    timestamp: int | None = None,
) -> _MonkeyPatchedWSGIResponse:
    """POST ``body`` signed with ``secret`` as the webhook senders do (timestamp header + HMAC)."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return client.post(
        path,
        data=body,
        content_type=content_type,
        HTTP_X_ANXIN_TIMESTAMP=ts,
        HTTP_X_ANXIN_SIGNATURE=sign(secret=secret, timestamp=ts, body=body),
    )
