"""The CSV import of price lists (command line; the API and upload page are tested beside them)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from anxin.catalog.models import FaultCode
from anxin.pricing.imports import price_list_import
from anxin.pricing.models import PriceList
from anxin.pricing.tests.factories import part_make

HEADER = "kind,category,fault_code,part_number,km_from,km_to,amount,covered_by_warranty\n"


def test_the_command_publishes_the_next_version(tmp_path, brand, category):
    FaultCode.objects.create(brand=brand, category=category, code="E1", name="不加热")
    part_make(brand=brand)
    path = tmp_path / "prices.csv"
    path.write_text(
        HEADER
        + f"上门费,{category.code},,,,,50,\n"
        + f"labour,{category.code},E1,,,,120,yes\n"
        + "part,,,HT-200,,,80,\n"
        + "distance,,,,0,15,0,\ndistance,,,,15,,30,\n",
        encoding="utf-8",
    )
    out = StringIO()

    call_command(
        "import_price_list", str(path), "--brand", brand.code, "--no-visit-fee-on-decline", stdout=out
    )
    call_command("import_price_list", str(path), "--brand", brand.code, stdout=StringIO())

    assert "version 1 with 5 lines" in out.getvalue()
    first, second = PriceList.objects.order_by("version")
    assert (first.visit_fee_on_decline, second.visit_fee_on_decline) == (False, True)
    assert second.version == 2 and second.lines.count() == 5


def test_the_command_names_each_bad_line_and_field_and_imports_nothing(tmp_path, brand, category):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "visit_fee,,,,,,50,\nrepair,,,,,,1,\npart,,,NOPE,,,1,\ndistance,,,,20,10,5,maybe\n",
        encoding="utf-8",
    )
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_price_list", str(path), "--brand", brand.code, stderr=err)

    lines = [
        line.split(": ")[0].rsplit(":", 1)[1] + ":" + line.split(": ")[1]
        for line in err.getvalue().splitlines()
    ]
    assert lines == ["2:category", "3:kind", "4:part_number", "5:covered_by_warranty", "5:km_to"]
    assert not PriceList.objects.exists()


def test_a_file_without_the_amount_column_is_refused_on_line_1(brand):
    result = price_list_import(
        brand=brand, text="kind,category\nvisit_fee,x\n", effective_from=dt.date(2026, 1, 1), actor=None
    )

    assert [(e.line, e.field) for e in result.errors] == [(1, "amount")]
