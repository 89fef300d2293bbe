"""A brand's price list, a fault code and a part, and an order at the quote step."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from PIL import Image, ImageDraw

from anxin.catalog.models import Brand, FaultCode, ProductCategory
from anxin.customers.models import Device
from anxin.parts.models import Part, PartCode
from anxin.pricing.choices import LineKind
from anxin.pricing.models import PriceLine, PriceList
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file


def price_list_make(
    *, brand: Brand, category: ProductCategory, visit_fee_on_decline: bool = True, version: int = 1
) -> PriceList:
    """Visit fee 50, labour E1 120 (covered) and E9 user damage 200 (not covered), distance tiers, a part."""
    price_list = PriceList.objects.create(
        brand=brand,
        version=version,
        effective_from=timezone.localdate() - dt.timedelta(days=30),
        visit_fee_on_decline=visit_fee_on_decline,
    )
    e1, _ = FaultCode.objects.get_or_create(
        brand=brand, category=category, code="E1", defaults={"name": "不加热"}
    )
    e9, _ = FaultCode.objects.get_or_create(
        brand=brand, category=category, code="E9", defaults={"name": "人为损坏（进水）"}
    )
    L = LineKind
    PriceLine.objects.bulk_create(
        [
            PriceLine(price_list=price_list, kind=L.VISIT_FEE, category=category, amount=Decimal("50")),
            PriceLine(price_list=price_list, kind=L.LABOUR, fault_code=e1, amount=Decimal("120")),
            PriceLine(
                price_list=price_list,
                kind=L.LABOUR,
                fault_code=e9,
                amount=Decimal("200"),
                covered_by_warranty=False,
            ),
            PriceLine(price_list=price_list, kind=L.DISTANCE, km_from=0, km_to=15, amount=Decimal("0")),
            PriceLine(price_list=price_list, kind=L.DISTANCE, km_from=15, km_to=30, amount=Decimal("20")),
            PriceLine(price_list=price_list, kind=L.DISTANCE, km_from=30, amount=Decimal("40")),
        ]
    )
    return price_list


# Brand-issued codes of the serialised test part (a quote line's code is verified against them).
PART_CODES = ("C-1", "C-7", "C-9", "LC-HT200-000123")


def part_make(*, brand: Brand, serialised: bool = True, number: str = "HT-200", price: str = "85.00") -> Part:
    part = Part.objects.create(
        brand=brand, part_number=number, name="加热管", list_price=Decimal(price), serialised=serialised
    )
    if serialised:
        PartCode.objects.bulk_create([PartCode(code=c, brand=brand, part=part) for c in PART_CODES])
    return part


def order_at_quote(
    *,
    brand: Brand,
    category: ProductCategory,
    technician=None,
    warranty_end: dt.date | None = None,
    phone="13800000001",
) -> WorkOrder:
    """A diagnosed order of ``brand`` with a registered device whose warranty ends ``warranty_end``
    (default: expired a year ago)."""
    order = order_file(phone=phone, brand=brand.name, category=category.name)
    device = Device.objects.create(
        customer=order.customer,
        brand=brand,
        category=category,
        warranty_end=warranty_end or timezone.localdate() - dt.timedelta(days=365),
    )
    fields = {"status": Status.DIAGNOSED, "device": device}
    if technician is not None:
        # His diagnosis, recorded as on site (completing after a declined quote needs it).
        fields |= {
            "status": Status.ON_SITE,
            "technician": technician,
            "service_point": technician.service_point,
        }
    WorkOrder.objects.filter(pk=order.pk).update(**fields)
    if technician is not None:
        from anxin.visits.services import diagnosis_record

        order.refresh_from_db()
        diagnosis_record(actor=technician.user, order=order, fault_codes=[], cause="测试：加热管损坏")
    return WorkOrder.objects.select_related(
        "technician__user", "customer", "brand", "category", "device"
    ).get(pk=order.pk)


def signature_png(*, blank: bool = False, size: tuple[int, int] = (300, 120)) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    if not blank:
        ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 90), (280, 40)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_data_url(**kwargs) -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png(**kwargs)).decode()
