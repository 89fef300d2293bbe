"""tus requests in tests: a tiny client over Django's test client (what tus-js-client sends)."""

from __future__ import annotations

import base64
from typing import Any

from django.test import Client

BASE = "/api/v1/uploads/"
TUS: dict[str, Any] = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def metadata(**pairs: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items())


def create(client: Client, *, length: int, **pairs: str) -> Any:
    return client.post(BASE, HTTP_UPLOAD_LENGTH=str(length), HTTP_UPLOAD_METADATA=metadata(**pairs), **TUS)


def patch(client: Client, url: str, *, offset: int, data: bytes, content_type: str = "") -> Any:
    return client.patch(
        url, data, content_type=content_type or "application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset), **TUS,
    )  # fmt: skip


def head(client: Client, url: str) -> Any:
    return client.head(url, **TUS)


def send_all(client: Client, url: str, data: bytes, *, chunk: int) -> Any:
    response = None
    for start in range(0, len(data), chunk):
        response = patch(client, url, offset=start, data=data[start : start + chunk])
        assert response.status_code == 204, response.content
    return response
