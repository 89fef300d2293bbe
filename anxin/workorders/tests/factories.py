from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.test import Client

from anxin.intake.services import RepairRequest, request_submit
from anxin.workorders.choices import Channel
from anxin.workorders.models import WorkOrder

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse  # the stubs' test-client response (has .json())


def order_file(
    *,
    phone: str = "13800138000",
    brand: str = "乐创",
    category: str = "消毒柜",
    serial: str = "",
    channel: str = Channel.API,
    **extra,
) -> WorkOrder:
    request = RepairRequest(
        channel=channel,
        phone=phone,
        name=extra.pop("name", "张伟"),
        address=extra.pop("address", "北京市朝阳区建国路88号"),
        brand=brand,
        category=category,
        serial_number=serial,
        description=extra.pop("description", "消毒柜不加热"),
        **extra,
    )
    return request_submit(request=request).order


# The body of POST /api/v1/orders for the catalogue the root conftest creates (brand, category).
ORDER = {
    "phone": "13800138000",
    "name": "张伟",
    "address": "北京市朝阳区建国路88号",
    "brand": "乐创",
    "category": "消毒柜",
    "description": "不加热",
}


def post_order(client: Client, body: dict | str, **headers: Any) -> _MonkeyPatchedWSGIResponse:
    """File an order through the API; a string body is sent as it is (to test malformed JSON).
    ``headers`` are WSGI environ keys (``HTTP_IDEMPOTENCY_KEY=...``), passed on as the client's extras."""
    return client.post(
        "/api/v1/orders",
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        **headers,
    )
