"""``manage.py solve_vrptw FILE --seconds S [--seed N]``: solve a Solomon VRPTW instance with PyVRP."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxin.benchmarks.solomon import (
    SolomonFormatError,
    check_routes,
    read_solomon,
    route_distance,
    solve_solomon,
)


class Command(BaseCommand):
    help = "Solve a Solomon-format VRPTW instance; last line is 'routes=R distance=D' (Euclidean, unrounded)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--seconds", type=float, default=10.0)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            inst = read_solomon(str(opts["file"]))
        except (OSError, SolomonFormatError) as exc:
            raise CommandError(str(exc)) from exc
        routes = solve_solomon(inst, seconds=float(opts["seconds"]), seed=int(opts["seed"]))
        for k, r in enumerate(routes, start=1):
            self.stdout.write(f"Route #{k}: {' '.join(str(n) for n in r)}")
        for problem in check_routes(inst, routes):
            self.stderr.write(f"infeasible: {problem}")
        total = sum(route_distance(inst, r) for r in routes)
        self.stdout.write(f"routes={len(routes)} distance={total!r}")
