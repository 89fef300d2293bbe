"""Demo parts (the lead wires ``parts_demo_load`` into ``seed_demo``): each demo brand's catalogue, brand
codes for the serialised parts, and stock in every service point's warehouse and every technician's van.
Idempotent: parts are matched by number, codes by value, and a location already stocked is left alone.
"""

from __future__ import annotations

from decimal import Decimal

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.catalog.models import Brand, ProductModel
from anxin.network.models import ServicePoint, Technician
from anxin.parts.models import Part, PartCode, StockMove
from anxin.parts.services.codes import part_codes_issue
from anxin.parts.services.stock import stock_receive, stock_transfer, van_of, warehouse_of

# brand code -> [(part number, name, English name, list price, serialised, return old part)]
CATALOGUE: dict[str, list[tuple[str, str, str, str, bool, bool]]] = {
    "changerte": [  # gas water heater CRT-JSQ24 (and the electric CRT-60D where the part fits)
        ("CRT-IGN-01", "脉冲点火器", "Pulse igniter", "68.00", True, True),
        ("CRT-FS-02", "火焰感应针", "Flame sensor", "35.00", False, False),
        ("CRT-WFS-03", "水流量传感器", "Water-flow sensor", "85.00", True, False),
        ("CRT-FAN-04", "直流风机", "Fan motor", "260.00", True, True),
        ("CRT-HEX-05", "无氧铜热交换器", "Heat exchanger", "480.00", True, True),
    ],
    "lechuang": [  # disinfection cabinets ZTP-108A / ZTP-168
        ("LC-UV-01", "紫外线灯管 8W", "UV lamp 8 W", "45.00", False, False),
        ("LC-O3-02", "臭氧发生器", "Ozone generator", "120.00", True, True),
        ("LC-HT-03", "PTC 加热管", "Heating tube", "95.00", True, False),
        ("LC-SEAL-04", "门封条", "Door seal", "38.00", False, False),
    ],
    "qianbaishi": [  # safes BGX-45D / FDG-60F
        ("QBS-KP-01", "电子密码面板", "Keypad", "180.00", True, True),
        ("QBS-SOL-02", "电磁锁", "Solenoid lock", "150.00", True, True),
        ("QBS-BAT-03", "电池盒", "Battery box", "25.00", False, False),
        ("QBS-KEY-04", "应急钥匙", "Emergency key", "60.00", False, False),
    ],
}
CODES_PER_PART = 10
WAREHOUSE_UNITS = 6
VAN_UNITS = 2


def _demo_admin() -> User:
    admin = User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first()
    admin = admin or User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
    if admin is None:
        raise RuntimeError("parts_demo_load needs an active admin user (seed_demo creates 'admin' first)")
    return admin


def _catalogue_load(brand: Brand, admin: User) -> list[Part]:
    models = list(ProductModel.objects.filter(brand=brand))
    parts = []
    for number, name, name_en, price, serialised, returned in CATALOGUE[brand.code]:
        part, _ = Part.objects.get_or_create(
            brand=brand,
            part_number=number,
            defaults={
                "name": name, "name_en": name_en, "list_price": Decimal(price), "serialised": serialised,
                "return_required": returned,
            },
        )  # fmt: skip
        part.compatible_models.add(*models)
        missing = [
            f"{brand.code[:4].upper()}-DEMO-{number.split('-')[1]}-{i:04d}"
            for i in range(1, CODES_PER_PART + 1)
        ]
        missing = [c for c in missing if not PartCode.objects.filter(code=c).exists()]
        if serialised and missing:
            part_codes_issue(part=part, actor=admin, codes=missing, batch="demo")
        parts.append(part)
    return parts


def _van_load(tech: Technician, parts: list[Part], admin: User) -> None:
    """From the point's warehouse when it holds the part, else straight from the brand."""
    van, warehouse = van_of(technician=tech), warehouse_of(service_point=tech.service_point)
    for part in parts:
        if StockMove.objects.filter(location=van, part=part).exists():
            continue
        if StockMove.objects.filter(location=warehouse, part=part).exists():
            stock_transfer(
                source=warehouse, target=van, part=part, quantity=VAN_UNITS, actor=admin, reference="DEMO"
            )
        else:
            stock_receive(location=van, part=part, quantity=VAN_UNITS, actor=admin, reference="DEMO")


def parts_demo_load() -> dict[str, int]:
    """Load the demo catalogue, codes and stock; returns counts for the seed command to print."""
    admin = _demo_admin()
    parts: list[Part] = []
    for brand in Brand.objects.filter(code__in=CATALOGUE):
        parts += _catalogue_load(brand, admin)
    for point in ServicePoint.objects.prefetch_related("brands"):
        warehouse = warehouse_of(service_point=point)
        served = {b.pk for b in point.brands.all()}
        for part in parts:
            if (
                part.brand_id in served
                and not StockMove.objects.filter(location=warehouse, part=part).exists()
            ):
                stock_receive(
                    location=warehouse, part=part, quantity=WAREHOUSE_UNITS, actor=admin, reference="DEMO"
                )
    for tech in Technician.objects.select_related("service_point").prefetch_related("brands"):
        _van_load(tech, [p for p in parts if p.brand_id in {b.pk for b in tech.brands.all()}], admin)
    return {"parts": len(parts), "codes": PartCode.objects.filter(batch="demo").count()}
