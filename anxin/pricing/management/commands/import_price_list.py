"""python manage.py import_price_list FILE --brand CODE [--effective-from YYYY-MM-DD] [--no-visit-fee-on-decline]"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from anxin.core.exceptions import DomainError
from anxin.pricing.imports import price_list_import
from anxin.pricing.selectors import brand_get_by_code


class Command(BaseCommand):
    help = (
        "Publish a brand's price list (收费标准) from a CSV file as its next version; nothing on any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="UTF-8 CSV (columns: see docs/pricing.md)")
        parser.add_argument("--brand", required=True, help="brand code, e.g. lechuang")
        parser.add_argument(
            "--effective-from", type=dt.date.fromisoformat, default=None, help="default: today"
        )
        parser.add_argument(
            "--no-visit-fee-on-decline", action="store_true", help="a declined quote pays nothing"
        )
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
            brand = brand_get_by_code(code=options["brand"])
        except (OSError, UnicodeDecodeError, DomainError) as exc:
            raise CommandError(str(getattr(exc, "detail", exc))) from exc
        result = price_list_import(
            brand=brand,
            text=text,
            effective_from=options["effective_from"] or timezone.localdate(),
            actor=None,
            visit_fee_on_decline=not options["no_visit_fee_on_decline"],
            note=options["note"],
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"{path}:{error.line}: {error.field}: {error.message}")
            raise CommandError(f"{len(result.errors)} error(s): nothing imported")
        assert result.price_list is not None
        self.stdout.write(f"{brand.code}: version {result.price_list.version} with {result.lines} lines")
