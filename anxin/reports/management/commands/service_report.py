"""Write an order's service report to a file.

python manage.py service_report WO20261203-000001 --out report.pdf
python manage.py service_report WO20261203-000001 --out report.pdf --new-version

Writes the stored report when it is current, else issues a new version first (the same rule as a
download); ``--new-version`` always issues one. Prints the version and SHA-256 of what was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.core.exceptions import DomainError
from anxin.reports.services import service_report_current, service_report_generate
from anxin.workorders.models import WorkOrder


class Command(BaseCommand):
    help = "Write an order's service report (PDF) to --out; issues a new version when none is current."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="the order number, e.g. WO20261203-000001")
        parser.add_argument("--out", required=True, help="the PDF file to write ('-' for standard output)")
        parser.add_argument("--new-version", action="store_true", help="issue a new version even if current")

    def handle(self, *args: Any, **options: Any) -> None:
        # An operator's command: no actor to scope by; the order is looked up by its number only.
        order = WorkOrder.objects.filter(number=options["number"]).first()
        if order is None:
            raise CommandError(f"no order {options['number']}")
        try:
            if options["new_version"]:
                report = service_report_generate(order=order)
            else:
                report = service_report_current(order=order)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        with report.file.open("rb") as f:
            data = f.read()
        if options["out"] == "-":
            self.stdout.buffer.write(data)  # type: ignore[attr-defined]
            return
        Path(options["out"]).write_bytes(data)
        self.stderr.write(f"{order.number} v{report.version} sha256 {report.sha256} → {options['out']}")
