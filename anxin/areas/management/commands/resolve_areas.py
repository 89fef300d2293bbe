"""Resolve addresses from stdin, one per line, to TSV on stdout.

    python manage.py resolve_areas < addresses.txt > resolved.tsv

Columns: input, county_code, township_code, name_path, status (ok / ambiguous / none). For ambiguous lines
name_path lists the candidates separated by " | ".
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anxin.areas.resolver import AMBIGUOUS, resolve

COLUMNS = ("input", "county_code", "township_code", "name_path", "status")


def _clean(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


class Command(BaseCommand):
    help = "Resolve free-text addresses (one per line on stdin) to divisions; writes TSV to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--header", action="store_true", help="write a header row first")

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout
        if options["header"]:
            out.write("\t".join(COLUMNS))
        for raw in sys.stdin:
            text = raw.rstrip("\r\n")
            result = resolve(text)
            if result.status == AMBIGUOUS:
                name_path = " | ".join(path for _, path in result.candidates)
            else:
                name_path = result.name_path
            row = (text, result.county_code, result.township_code, name_path, result.status)
            out.write("\t".join(_clean(v) for v in row))
