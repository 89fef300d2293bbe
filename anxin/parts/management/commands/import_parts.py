"""manage.py import_parts FILE --brand CODE [--user NAME]: create or update a brand's parts from CSV.

All or nothing: any problem is printed as ``line N, column: message`` and nothing is saved (exit 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.core.exceptions import DomainError
from anxin.parts.selectors import brand_by_code
from anxin.parts.services.catalogue import parts_import


class Command(BaseCommand):
    help = "Import a brand's parts catalogue from a CSV file (header: part_number,name,list_price,…)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--brand", required=True, help="brand code, e.g. lechuang")
        parser.add_argument("--user", default="", help="who imports (default: the first platform admin)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        try:
            result = parts_import(
                brand=brand_by_code(options["brand"]), text=text, actor=self._user(options["user"])
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        for error in result.errors:
            self.stderr.write(f"line {error.line}, {error.field or '-'}: {error.message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} problem(s); nothing was saved")
        self.stdout.write(f"created {result.created}, updated {result.updated}")

    def _user(self, username: str) -> User:
        users = User.objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(Q(is_superuser=True) | Q(role=Role.ADMIN)).order_by("pk").first()
        )
        if user is None:
            raise CommandError("no such active user; pass --user")
        return user
