"""The order list as CSV rows: the same columns staff see on screen, personal data masked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.core.masking import mask_free_text, mask_name, mask_phone
from anxin.workorders.models import WorkOrder


def order_csv_header() -> list[str]:
    return [
        _("工单号"),
        _("状态"),
        _("渠道"),
        _("品牌"),
        _("品类"),
        _("客户"),
        _("电话"),
        _("区县代码"),
        _("技师"),
        _("待人工"),
        _("最近时效到期"),
        _("创建时间"),
    ]


def order_csv_rows(orders: Iterable[WorkOrder]) -> Iterator[list[str]]:
    """One row per order; ``orders`` carries the ``sla_due`` annotation of the list selector."""
    for order in orders:
        yield [
            order.number,
            order.get_status_display(),
            order.get_channel_display(),
            order.brand.name if order.brand else mask_free_text(order.brand_text),
            order.category.name if order.category else "",
            mask_name(order.contact_name),
            mask_phone(order.contact_phone),
            order.county_code,
            str(order.technician) if order.technician else "",
            "; ".join(str(item) for item in order.attention),
            _local(getattr(order, "sla_due", None)),
            _local(order.created_at),
        ]


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
