"""The brand's parts catalogue: one part at a time, or a CSV file (the command, the admin upload, the API).

A CSV import is all or nothing: every line is checked first and each problem is reported with its line
number and column; only a file without problems is saved (new part numbers created, known ones updated).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.catalog.models import Brand, ProductModel
from anxin.core.exceptions import ValidationFailed
from anxin.parts.models import Part
from anxin.parts.permissions import CATALOGUE_EDIT

COLUMNS = (
    "part_number",
    "name",
    "name_en",
    "list_price",
    "serialised",
    "return_required",
    "compatible_models",
)
REQUIRED = ("part_number", "name", "list_price")
TRUE, FALSE = {"1", "true", "yes", "y", "是"}, {"", "0", "false", "no", "n", "否"}
MAX_LINES = 5_000
MAX_PRICE = Decimal("99999999.99")


@dataclass(frozen=True)
class LineError:
    line: int  # 1 is the header line, so the first part is line 2 (as a spreadsheet numbers it)
    field: str
    message: str


@dataclass(frozen=True)
class PartRow:
    line: int
    part_number: str
    name: str
    name_en: str
    list_price: Decimal
    serialised: bool
    return_required: bool
    models: list[ProductModel]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[LineError] = field(default_factory=list)


def _bool(text: str, line: int, column: str, errors: list[LineError]) -> bool:
    value = text.strip().lower()
    if value not in TRUE | FALSE:
        errors.append(LineError(line, column, gettext("应为 是/否（或 1/0）")))
    return value in TRUE


def _price(text: str, line: int, errors: list[LineError]) -> Decimal:
    try:
        price = Decimal(text.strip())
    except InvalidOperation:
        price = Decimal("-1")
    if not price.is_finite() or price < 0 or price > MAX_PRICE or price != price.quantize(Decimal("0.01")):
        errors.append(LineError(line, "list_price", gettext("应为不小于 0 的金额（元，最多两位小数）")))
        return Decimal("0")
    return price


def _models(
    text: str, line: int, brand_models: dict[str, ProductModel], errors: list[LineError]
) -> list[ProductModel]:
    found = []
    for code in filter(None, (c.strip() for c in text.replace("；", ";").split(";"))):
        model = brand_models.get(code.upper())
        if model is None:
            errors.append(LineError(line, "compatible_models", gettext("未知型号 %(code)s") % {"code": code}))
        else:
            found.append(model)
    return found


def _row_parse(
    values: dict[str, str], line: int, brand_models: dict[str, ProductModel], errors: list[LineError]
) -> PartRow:
    for column in REQUIRED:
        if not values.get(column, "").strip():
            errors.append(LineError(line, column, gettext("必填")))
    part_number, name = values.get("part_number", "").strip(), values.get("name", "").strip()
    for column, text, limit in (("part_number", part_number, 40), ("name", name, 120)):
        if len(text) > limit:
            errors.append(LineError(line, column, gettext("最多 %(n)s 个字符") % {"n": limit}))
    return PartRow(
        line=line,
        part_number=part_number,
        name=name,
        name_en=values.get("name_en", "").strip()[:120],
        list_price=_price(values.get("list_price", ""), line, errors)
        if values.get("list_price")
        else Decimal(0),
        serialised=_bool(values.get("serialised", ""), line, "serialised", errors),
        return_required=_bool(values.get("return_required", ""), line, "return_required", errors),
        models=_models(values.get("compatible_models", ""), line, brand_models, errors),
    )


def _header_errors(header: list[str]) -> tuple[bool, list[LineError]]:
    """(fatal, errors): a missing required column stops the import before any line is read."""
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return True, [LineError(1, c, gettext("表头缺少此列")) for c in missing]
    return False, [LineError(1, h, gettext("未知列")) for h in header if h not in COLUMNS]


def parts_csv_parse(*, brand: Brand, text: str) -> tuple[list[PartRow], list[LineError]]:
    """Read and check every line; no database writes."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel saves UTF-8 with a BOM
    fatal, errors = _header_errors([h.strip() for h in reader.fieldnames or []])
    if fatal:
        return [], errors
    brand_models = {m.code.upper(): m for m in ProductModel.objects.filter(brand=brand)}
    rows: list[PartRow] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_LINES:
            errors.append(LineError(line, "", gettext("一次最多导入 %(n)s 行") % {"n": MAX_LINES}))
            break
        values = {(k or "").strip(): (v if isinstance(v, str) else "") for k, v in raw.items()}
        row = _row_parse(values, line, brand_models, errors)
        if row.part_number in seen:
            message = gettext("与第 %(n)s 行的配件编号重复") % {"n": seen[row.part_number]}
            errors.append(LineError(line, "part_number", message))
        seen[row.part_number] = line
        rows.append(row)
    if not rows and not errors:
        errors.append(LineError(2, "", gettext("文件中没有配件")))
    return rows, errors


@transaction.atomic
def parts_import(*, brand: Brand, text: str, actor: User) -> ImportResult:
    """Create or update the brand's parts from CSV text (``COLUMNS``); nothing is saved if a line is wrong."""
    require(actor, CATALOGUE_EDIT, Part(brand=brand))
    rows, errors = parts_csv_parse(brand=brand, text=text)
    result = ImportResult(errors=errors)
    if errors:
        return result
    existing = {p.part_number: p for p in Part.objects.filter(brand=brand)}
    for row in rows:
        part = existing.get(row.part_number) or Part(brand=brand, part_number=row.part_number)
        created = part.pk is None
        part.name, part.name_en, part.list_price = row.name, row.name_en, row.list_price
        part.serialised, part.return_required = row.serialised, row.return_required
        part.save()
        part.compatible_models.set(row.models)
        result.created += created
        result.updated += not created
    return result


@transaction.atomic
def part_create(
    *, brand: Brand, actor: User, part_number: str, name: str, list_price: Decimal, name_en: str = "",
    serialised: bool = False, return_required: bool = False,
) -> Part:  # fmt: skip
    """One new part in the brand's catalogue (409 ``part_number_taken`` when the number exists)."""
    require(actor, CATALOGUE_EDIT, Part(brand=brand))
    if Part.objects.filter(brand=brand, part_number=part_number.strip()).exists():
        raise ValidationFailed(gettext("配件编号已存在"), field="part_number", code="part_number_taken")
    part = Part(
        brand=brand, part_number=part_number.strip(), name=name.strip(), name_en=name_en.strip(),
        list_price=list_price, serialised=serialised, return_required=return_required,
    )  # fmt: skip
    try:
        part.full_clean()
    except ValidationError as exc:
        name_of, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=name_of) from exc
    part.save()
    return part
