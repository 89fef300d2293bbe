"""Demo price lists for the three demo brands (the lead calls ``pricing_demo_load`` from seed_demo).

Idempotent: a brand that already has a price list is left alone. Run it after the fault codes are
loaded (the visits demo): labour is priced for every fault code the brand has then; a brand and
category without any get the starter set below. Amounts are typical of Chinese after-sales price
lists for these appliances: visit fee 50–80 yuan, labour 60–260 yuan per fault, distance bands.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anxin.catalog.models import Brand, FaultCode, ProductCategory
from anxin.pricing.choices import LineKind
from anxin.pricing.models import PriceLine, PriceList

# brand code → (category code, visit fee, declined quote still pays the visit fee)
BRANDS = {
    "lechuang": ("disinfection-cabinet", "50", True),
    "qianbaishi": ("safe", "80", True),
    "changerte": ("water-heater", "60", False),
}
# category → fault code, name, English name, labour (yuan), covered by warranty
STARTER_FAULTS: dict[str, list[tuple[str, str, str, str, bool]]] = {
    "disinfection-cabinet": [
        ("E1", "不加热（加热管损坏）", "No heating (heating element)", "120", True),
        ("E2", "臭氧发生器不工作", "Ozone generator not working", "100", True),
        ("E3", "紫外灯管不亮", "UV lamp off", "80", True),
        ("E4", "门封或门锁故障", "Door seal or interlock fault", "90", True),
        ("E5", "风机不转", "Fan not turning", "110", True),
        ("E9", "人为损坏（进水、摔落）", "User damage (water, drop)", "150", False),
    ],
    "safe": [
        ("E1", "密码键盘失灵", "Keypad fault", "120", True),
        ("E2", "电机或电磁锁故障", "Motor or solenoid lock fault", "180", True),
        ("E3", "遗忘密码应急开启", "Emergency opening (code forgotten)", "150", False),
        ("E4", "锁舌卡死", "Bolt jammed", "160", True),
        ("E5", "电池仓腐蚀", "Battery compartment corroded", "60", True),
    ],
    "water-heater": [
        ("E1", "点火失败", "Ignition failure", "150", True),
        ("E2", "中途熄火（熄火保护）", "Flame-out protection", "120", True),
        ("E3", "水压不足或水流传感器故障", "Low water pressure or flow sensor", "100", True),
        ("E4", "漏电保护跳闸", "Earth-leakage trip", "180", True),
        ("E5", "温控器故障", "Thermostat fault", "130", True),
        ("E6", "燃气泄漏检修", "Gas leak repair", "200", True),
        ("E9", "冻裂（未排水）", "Frost damage (not drained)", "260", False),
    ],
}
DISTANCE_TIERS = [(0, 15, "0"), (15, 30, "20"), (30, 50, "40"), (50, None, "60")]
# Labour for fault codes not in the starter set (loaded by another app): by their order in the table.
LABOUR_STEPS = ["80", "120", "150", "180", "220", "260"]


@transaction.atomic
def pricing_demo_load() -> int:
    """Publish version 1 for each demo brand that has none; returns how many price lists were made."""
    made = 0
    for code, (category_code, visit_fee, pays_on_decline) in BRANDS.items():
        brand = Brand.objects.filter(code=code).first()
        category = ProductCategory.objects.filter(code=category_code).first()
        if brand is None or category is None or PriceList.objects.filter(brand=brand).exists():
            continue
        price_list = PriceList.objects.create(
            brand=brand,
            version=1,
            effective_from=timezone.localdate().replace(month=1, day=1),
            visit_fee_on_decline=pays_on_decline,
            note="演示数据",
        )
        lines = [
            PriceLine(
                price_list=price_list, kind=LineKind.VISIT_FEE, category=category, amount=Decimal(visit_fee)
            )
        ]
        lines += _labour(price_list, brand, category)
        lines += [
            PriceLine(
                price_list=price_list, kind=LineKind.DISTANCE, km_from=a, km_to=b, amount=Decimal(amount)
            )
            for a, b, amount in DISTANCE_TIERS
        ]
        PriceLine.objects.bulk_create(lines)
        made += 1
    return made


def _labour(price_list: PriceList, brand: Brand, category: ProductCategory) -> list[PriceLine]:
    starter = {row[0]: row for row in STARTER_FAULTS.get(category.code, [])}
    faults = list(FaultCode.objects.filter(brand=brand, category=category, active=True).order_by("code"))
    if not faults:
        faults = [
            FaultCode.objects.create(brand=brand, category=category, code=c, name=name, name_en=name_en)
            for c, name, name_en, _amount, _covered in starter.values()
        ]
    lines = []
    for index, fault in enumerate(faults):
        known = starter.get(fault.code)
        amount = known[3] if known and known[1] == fault.name else LABOUR_STEPS[index % len(LABOUR_STEPS)]
        covered = known[4] if known and known[1] == fault.name else "损坏" not in fault.name
        lines.append(
            PriceLine(
                price_list=price_list,
                kind=LineKind.LABOUR,
                fault_code=fault,
                amount=Decimal(amount),
                covered_by_warranty=covered,
            )  # fmt: skip
        )
    return lines
