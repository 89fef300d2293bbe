"""The demo parts load: realistic catalogue per brand, codes, stock in warehouses and vans; idempotent."""

from __future__ import annotations

from anxin.parts.demo import parts_demo_load
from anxin.parts.models import Part, PartCode, StockMove
from anxin.parts.selectors import stock_levels
from anxin.parts.services.stock import van_of, warehouse_of


def test_the_demo_load_stocks_warehouses_and_vans_once(
    admin_user, brand, other_brand, technician, service_point
):
    service_point.brands.add(brand)
    technician.brands.add(other_brand)

    first = parts_demo_load()
    moves = StockMove.objects.count()
    again = parts_demo_load()

    assert first == again and first["parts"] == 9  # 乐创 (lechuang) and 昌尔特 (changerte) exist here
    assert StockMove.objects.count() == moves
    assert Part.objects.get(part_number="CRT-HEX-05").serialised
    assert PartCode.objects.filter(part__part_number="LC-O3-02", state="issued").count() == 10
    warehouse = {
        lvl.part.part_number: lvl.available
        for lvl in stock_levels(location=warehouse_of(service_point=service_point))
    }
    van = {
        lvl.part.part_number: lvl.available for lvl in stock_levels(location=van_of(technician=technician))
    }
    assert warehouse["LC-UV-01"] == 4 and van["LC-UV-01"] == 2  # 6 received, 2 moved to the van
    assert "CRT-IGN-01" in van  # his skill, not served by the point: received straight into the van
