"""``manage.py simulate_dispatch --scenario FILE --seed N --json``: replay a day, engine vs greedy."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxin.benchmarks.dispatch_simulation import load_scenario, run_scenario


class Command(BaseCommand):
    help = (
        "Simulate a dispatch day (offer loop, re-plans) and compare with a greedy nearest-available baseline."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scenario", required=True)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print one JSON document")
        parser.add_argument("--solver-seconds", type=float, default=None, help="override the scenario's")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            scenario = load_scenario(str(opts["scenario"]))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read scenario: {exc}") from exc
        if opts["solver_seconds"] is not None:
            scenario["solver_seconds"] = float(opts["solver_seconds"])
        result = run_scenario(scenario, int(opts["seed"]))
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for policy in ("engine", "greedy_baseline"):
            self.stdout.write(f"{policy}: " + ", ".join(f"{k}={v}" for k, v in result[policy].items()))
