from __future__ import annotations

import math
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from anxin.benchmarks.solomon import (
    SolomonFormatError,
    check_routes,
    generate_solomon_like,
    read_solomon,
    route_distance,
    write_solomon,
)

TINY = """TINY5

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        1000          0
    1      3          4          4          0        1000         10
    2      6          8          4          0        1000         10
    3     -3         -4          5          0          20         10
    4      0          5          1        100         200          5
"""


def test_the_reader_parses_vehicles_depot_and_customers(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    inst = read_solomon(path)
    assert (inst.name, inst.vehicles, inst.capacity) == ("TINY5", 2, 10)
    assert inst.depot.due == 1000 and len(inst.customers) == 4
    assert inst.customers[2].x == -3 and inst.customers[3].ready == 100


def test_the_reader_rejects_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("X\nCUSTOMER\n 0 1 2\n")
    with pytest.raises(SolomonFormatError):
        read_solomon(path)


def test_distance_is_unrounded_euclidean(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    inst = read_solomon(path)
    assert route_distance(inst, [1, 2]) == pytest.approx(5 + 5 + 10)
    assert route_distance(inst, [4]) == pytest.approx(10)
    assert route_distance(inst, [1, 4]) == pytest.approx(5 + math.hypot(3, 1) + 5)


def test_the_command_prints_feasible_routes_and_the_summary_line(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    out, err = StringIO(), StringIO()
    call_command("solve_vrptw", str(path), "--seconds", "0.3", "--seed", "2", stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    last = lines[-1]
    assert last.startswith("routes=") and " distance=" in last
    routes = [[int(x) for x in ln.split(":")[1].split()] for ln in lines[:-1]]
    inst = read_solomon(path)
    assert check_routes(inst, routes) == []
    assert float(last.split("distance=")[1]) == pytest.approx(sum(route_distance(inst, r) for r in routes))
    assert err.getvalue() == ""
    # 3 must go first (due 20) and capacity 10 forces two routes
    assert int(last.split()[0].split("=")[1]) == 2


def test_a_generated_instance_round_trips_and_solves_feasibly(tmp_path: Path) -> None:
    inst = generate_solomon_like("AX-RC1", seed=5, kind="RC1", n=30)
    path = tmp_path / "ax.txt"
    write_solomon(inst, path)
    again = read_solomon(path)
    assert again.customers == inst.customers
    out = StringIO()
    call_command("solve_vrptw", str(path), "--seconds", "0.5", stdout=out)
    routes = [[int(x) for x in ln.split(":")[1].split()] for ln in out.getvalue().strip().splitlines()[:-1]]
    assert check_routes(again, routes) == []
