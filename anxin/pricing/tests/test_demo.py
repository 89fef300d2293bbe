from __future__ import annotations

from anxin.catalog.models import Brand, FaultCode, ProductCategory
from anxin.pricing.choices import LineKind
from anxin.pricing.demo import pricing_demo_load
from anxin.pricing.models import PriceList
from anxin.pricing.selectors import published_prices


def test_the_demo_publishes_a_price_list_per_demo_brand_once(db):
    for code, name, cat_code, cat_name in [
        ("lechuang", "乐创", "disinfection-cabinet", "消毒柜"),
        ("qianbaishi", "千百饰", "safe", "保险柜"),
        ("changerte", "昌尔特", "water-heater", "热水器"),
    ]:
        Brand.objects.create(code=code, name=name)
        ProductCategory.objects.create(code=cat_code, name=cat_name)
    heater = Brand.objects.get(code="changerte")
    FaultCode.objects.create(
        brand=heater,
        category=ProductCategory.objects.get(code="water-heater"),
        code="F7",
        name="风压开关故障",
    )

    assert pricing_demo_load() == 3
    assert pricing_demo_load() == 0

    assert PriceList.objects.count() == 3
    lechuang = published_prices(brand=Brand.objects.get(code="lechuang"))
    assert lechuang is not None and [str(line.amount) for line in lechuang.visit_fees] == ["50.00"]
    assert {line.fault_code.code for line in lechuang.labour if line.fault_code} >= {"E1", "E9"}
    assert all(50 <= line.amount <= 300 for line in lechuang.labour)
    # A fault code loaded by another app is priced too; the starter set is not added beside it.
    heater_labour = PriceList.objects.get(brand=heater).lines.filter(kind=LineKind.LABOUR)
    assert [line.fault_code.code for line in heater_labour if line.fault_code] == ["F7"]
