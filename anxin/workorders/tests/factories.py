from __future__ import annotations

from anxin.intake.services import RepairRequest, request_submit
from anxin.workorders.choices import Channel
from anxin.workorders.models import WorkOrder


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
