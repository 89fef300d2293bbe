from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.accounts.choices import Role
from anxin.accounts.services import api_token_create
from anxin.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Create an API token for an app or partner and print it once (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", required=True, help="unique name, e.g. lechuang-app")
        parser.add_argument(
            "--brand", action="append", default=[], help="brand code (repeatable) to scope brand staff"
        )

    def handle(self, *args: Any, role: str, name: str, brand: list[str], **options: Any) -> None:
        try:
            token = api_token_create(name=name, role=role, brand_codes=brand)
        except DomainError as exc:
            raise CommandError(f"{exc.field or 'error'}: {exc.detail}") from exc
        self.stdout.write(token)
