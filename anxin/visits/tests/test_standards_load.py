"""The shipped checklists and fault codes: loaded once, never rewritten, versioned."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from anxin.catalog.models import FaultCode, ProductCategory, ProductModel
from anxin.visits.choices import ItemKind, VisitKind
from anxin.visits.models import ChecklistItem, ChecklistTemplate
from anxin.visits.selectors import inspection_rows, standards_data, templates_for_order
from anxin.visits.services import inspection_record, standards_load, template_new_version
from anxin.visits.tests.factories import inspection_fill, on_site_order

pytestmark = pytest.mark.django_db


def test_the_command_loads_every_category_and_a_second_run_adds_nothing(product_model):
    out = io.StringIO()
    call_command("visits_load_standards", stdout=out)
    assert set(ProductCategory.objects.values_list("code", flat=True)) >= {
        "water-heater",
        "disinfection-cabinet",
        "safe",
    }
    assert ChecklistTemplate.objects.count() == len(standards_data()["checklists"]) == 5
    codes = FaultCode.objects.filter(brand=product_model.brand, category=product_model.category)
    assert codes.count() == len(standards_data()["fault_codes"]["disinfection-cabinet"])

    again = standards_load()
    assert (again.categories, again.templates, again.fault_codes) == ([], [], 0)
    assert ChecklistTemplate.objects.count() == 5


def test_the_gas_water_heater_checklist_reads_what_the_issue_asks_for(db):
    standards_load()
    items = {i.code: i for i in ChecklistItem.objects.filter(template__key="gas-water-heater-inspection")}
    assert {
        "gas_leak",
        "flue",
        "ignition",
        "water_pressure",
        "anode",
        "scale",
        "earth_leakage",
        "co_ppm",
    } <= set(items)
    assert (items["water_pressure"].kind, items["water_pressure"].unit) == (ItemKind.READING, "MPa")
    assert (items["earth_leakage"].unit, items["earth_leakage"].max_value) == ("mA", Decimal("0.750"))
    assert (items["co_ppm"].unit, items["gas_leak"].severity) == ("ppm", "critical")
    security = ChecklistTemplate.objects.filter(kind=VisitKind.SECURITY)
    assert set(security.values_list("category__code", flat=True)) == {"water-heater", "safe"}


def test_a_brand_keeps_its_own_edits_of_a_starter_code(product_model):
    standards_load()
    FaultCode.objects.filter(brand=product_model.brand, code="E1").update(name="上室传感器（乐创）")
    standards_load()
    assert FaultCode.objects.get(brand=product_model.brand, code="E1").name == "上室传感器（乐创）"


def test_a_new_version_never_changes_an_inspection_done_on_the_old_one(technician):
    order = on_site_order(technician=technician)
    old = inspection_fill(order=order, actor=technician.user, answers={"chamber_temp": "125"})
    v1 = old.template

    v2 = template_new_version(template=v1)
    item = v2.items.get(code="chamber_temp")
    item.min_value, item.label = Decimal("130"), "高温室温度（新标准）"
    item.save()
    ChecklistTemplate.objects.filter(pk=v2.pk).update(active=True)

    row = next(r for r in inspection_rows(inspection=old) if r.item.code == "chamber_temp")
    assert (row.item.template_id, row.item.label, row.out_of_range) == (
        v1.pk,
        "高温消毒室温度（运行 20 分钟后）",
        False,
    )
    # New inspections take the newest active version and are judged by its limits.
    newest = [t for t in templates_for_order(order=order) if t.key == v1.key]
    assert [(t.pk, t.version) for t in newest] == [(v2.pk, 2)]


def test_an_inactive_new_version_leaves_new_inspections_on_the_old_one(technician):
    order = on_site_order(technician=technician)
    v1 = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    template_new_version(template=v1)
    assert [t.pk for t in templates_for_order(order=order) if t.key == v1.key] == [v1.pk]


def test_a_models_own_checklist_comes_before_the_categorys(technician, product_model):
    order = on_site_order(technician=technician)
    own = ChecklistTemplate.objects.create(
        key="ztp-108a-inspection", kind=VisitKind.INSPECTION, category=product_model.category,
        brand=product_model.brand, product_model=product_model, name="ZTP-108A 专项检测",
    )  # fmt: skip
    other_model = ProductModel.objects.create(
        brand=product_model.brand, category=product_model.category, code="ZTP-168", name="立式"
    )
    ChecklistTemplate.objects.create(
        key="ztp-168-inspection", kind=VisitKind.INSPECTION, category=product_model.category,
        product_model=other_model, name="ZTP-168 专项检测",
    )  # fmt: skip
    keys = [t.key for t in templates_for_order(order=order)]
    assert keys == [own.key, "disinfection-cabinet-inspection"]


def test_recording_uses_the_items_of_the_runs_own_version(technician):
    order = on_site_order(technician=technician)
    inspection = inspection_fill(order=order, actor=technician.user, complete=False)
    v2 = template_new_version(template=inspection.template)
    v2.items.filter(code="chamber_temp").update(max_value=Decimal("300"))
    result = inspection_record(
        actor=technician.user, inspection=inspection, item_code="chamber_temp", value="200"
    )
    assert result.item.template_id == inspection.template_id
    assert result.out_of_range is True
