from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anxin.visits.services import standards_load


class Command(BaseCommand):
    help = (
        "Load the shipped inspection checklists and starter fault codes (anxin/visits/data/standards.json). "
        "Idempotent: loaded checklist versions and existing fault codes are never changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = standards_load()
        self.stdout.write(
            f"categories added: {len(report.categories)}; checklist versions added: {len(report.templates)}"
            f" {report.templates}; fault codes added: {report.fault_codes}"
        )
