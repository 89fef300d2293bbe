"""CSV import of a price list: one new version per file, all lines or none, errors naming line and field.

Columns (header row required; order free)::

    kind,category,fault_code,part_number,km_from,km_to,amount,covered_by_warranty
    visit_fee,gas-water-heater,,,,,60,
    labour,gas-water-heater,E1,,,,150,yes
    labour,gas-water-heater,E9,,,,220,no
    part,,,LC-HT-200,,,95,
    distance,,,,0,15,0,
    distance,,,,15,30,20,

``kind`` is visit_fee / labour / part / distance (or 上门费 / 工时费 / 配件 / 远程费). ``category`` is a
category code; a labour line's fault code is looked up in that category of the brand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.catalog.models import Brand, FaultCode, ProductCategory
from anxin.parts.models import Part
from anxin.pricing.choices import LineKind
from anxin.pricing.models import PriceLine, PriceList
from anxin.pricing.permissions import EDIT_PRICE_LIST

KIND_NAMES = {
    "visit_fee": LineKind.VISIT_FEE,
    "上门费": LineKind.VISIT_FEE,
    "labour": LineKind.LABOUR,
    "labor": LineKind.LABOUR,
    "工时费": LineKind.LABOUR,
    "part": LineKind.PART,
    "配件": LineKind.PART,
    "distance": LineKind.DISTANCE,
    "远程费": LineKind.DISTANCE,
}
REQUIRED_COLUMNS = ("kind", "amount")
MAX_LINES = 5000
YES = {"yes", "y", "true", "1", "是"}
NO = {"no", "n", "false", "0", "否"}


@dataclass(frozen=True)
class LineError:
    line: int  # the file's line number (the header is line 1)
    field: str
    message: str


@dataclass
class ImportResult:
    price_list: PriceList | None = None
    errors: list[LineError] = field(default_factory=list)
    lines: int = 0


class _Row:
    """One CSV row being read: collects its errors instead of stopping at the first."""

    def __init__(self, number: int, values: dict[str, str], errors: list[LineError]) -> None:
        self.number, self.values, self.errors = number, values, errors

    def text(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def fail(self, name: str, message: str) -> None:
        self.errors.append(LineError(self.number, name, message))

    def integer(self, name: str) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        if not raw.isdigit():
            self.fail(name, _("须为非负整数"))
            return None
        return int(raw)


def _read_line(row: _Row, *, brand: Brand, categories: dict[str, ProductCategory]) -> PriceLine | None:
    kind = KIND_NAMES.get(row.text("kind").lower())
    if kind is None:
        row.fail("kind", _("类型须为 visit_fee、labour、part 或 distance"))
        return None
    line = PriceLine(kind=kind)
    try:
        line.amount = Decimal(row.text("amount")).quantize(Decimal("0.01"))
        if not Decimal("0") <= line.amount < Decimal("100000000"):
            raise InvalidOperation
    except InvalidOperation:
        row.fail("amount", _("金额须为不小于 0 的数字"))
    category_code = row.text("category")
    if category_code:
        line.category = categories.get(category_code)
        if line.category is None:
            row.fail("category", _("未知的品类编码「%(code)s」") % {"code": category_code})
    covered = row.text("covered_by_warranty").lower()
    if covered and covered not in YES | NO:
        row.fail("covered_by_warranty", _("须为 yes 或 no"))
    line.covered_by_warranty = covered not in NO
    if kind == LineKind.VISIT_FEE and not category_code:
        row.fail("category", _("上门费须指定品类"))
    elif kind == LineKind.LABOUR:
        code = row.text("fault_code")
        if not code or line.category is None:
            row.fail("fault_code", _("工时费须指定品类和故障代码"))
        else:
            line.fault_code = FaultCode.objects.filter(brand=brand, category=line.category, code=code).first()
            if line.fault_code is None:
                row.fail("fault_code", _("该品牌该品类没有故障代码「%(code)s」") % {"code": code})
    elif kind == LineKind.PART:
        number = row.text("part_number")
        line.part = Part.objects.filter(brand=brand, part_number=number).first() if number else None
        if line.part is None:
            row.fail("part_number", _("该品牌没有配件编号「%(number)s」") % {"number": number})
    elif kind == LineKind.DISTANCE:
        line.km_from, line.km_to = row.integer("km_from") or 0, row.integer("km_to")
        if line.km_to is not None and line.km_to <= line.km_from:
            row.fail("km_to", _("截止公里须大于起始公里"))
    return line


def csv_errors_text(errors: list[LineError], *, limit: int = 50) -> str:
    """Every error on one line of text, each naming its line and field (the API's ``detail``)."""
    shown = "; ".join(
        _("第 %(line)s 行 %(field)s：%(message)s") % {"line": e.line, "field": e.field, "message": e.message}
        for e in errors[:limit]
    )
    return shown + ("; …" if len(errors) > limit else "")


@transaction.atomic
def price_list_import(
    *,
    brand: Brand,
    text: str,
    effective_from: dt.date,
    actor: User | None,
    visit_fee_on_decline: bool = True,
    note: str = "",
) -> ImportResult:
    """Read the CSV; when every line is valid publish it as the brand's next version, else nothing.

    ``actor`` None is the command line (an operator on the server).
    """
    if actor is not None:
        require(actor, EDIT_PRICE_LIST, brand, field="brand")
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        result.errors.append(LineError(1, missing[0], _("缺少列「%(column)s」") % {"column": missing[0]}))
        return result
    reader.fieldnames = columns
    categories = {c.code: c for c in ProductCategory.objects.all()}
    lines: list[PriceLine] = []
    for number, values in enumerate(reader, start=2):
        if number - 1 > MAX_LINES:
            result.errors.append(LineError(number, "kind", _("最多 %(n)s 行") % {"n": MAX_LINES}))
            break
        if not any((v or "").strip() for v in values.values() if isinstance(v, str)):
            continue  # a blank line
        line = _read_line(_Row(number, values, result.errors), brand=brand, categories=categories)
        if line is not None:
            lines.append(line)
    if not lines and not result.errors:
        result.errors.append(LineError(2, "kind", _("文件没有收费项目")))
    if result.errors:
        return result
    last = PriceList.objects.filter(brand=brand).aggregate(v=Max("version"))["v"] or 0
    price_list = PriceList.objects.create(
        brand=brand, version=last + 1, effective_from=effective_from, visit_fee_on_decline=visit_fee_on_decline,
        note=note[:200], created_by=actor,
    )  # fmt: skip
    for line in lines:
        line.price_list = price_list
    PriceLine.objects.bulk_create(lines)
    result.price_list, result.lines = price_list, len(lines)
    return result
