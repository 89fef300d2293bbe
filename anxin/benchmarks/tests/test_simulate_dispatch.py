from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_the_shipped_scenarios_are_valid_json_with_a_name() -> None:
    for name in ("county", "city", "province"):
        data = json.loads((SCENARIOS / f"{name}.json").read_text())
        assert data["name"] == name and data["technicians"] > 0


def test_simulation_prints_engine_and_baseline_figures_reproducibly(tmp_path: Path) -> None:
    scenario = json.loads((SCENARIOS / "county.json").read_text())
    scenario.update({"booked_jobs": 8, "new_orders": 8, "technicians": 5, "solver_seconds": 0.2})
    path = tmp_path / "small.json"
    path.write_text(json.dumps(scenario))
    runs = []
    for _ in range(2):
        out = StringIO()
        call_command("simulate_dispatch", "--scenario", str(path), "--seed", "3", "--json", stdout=out)
        runs.append(json.loads(out.getvalue()))
    result = runs[0]
    for policy in ("engine", "greedy_baseline"):
        figures = result[policy]
        assert 0 <= figures["confirmed_within_30min"] <= 1
        assert 0 <= figures["on_site_in_window"] <= 1
        assert figures["served"] <= figures["jobs"]
        assert figures["travel_km"] > 0
    assert result["engine"]["replans"] > 0
    # The world and the baseline are seeded; OR-Tools under a wall-clock limit may differ by CPU load
    assert runs[0]["greedy_baseline"] == runs[1]["greedy_baseline"]
    assert runs[0]["engine"]["orders"] == runs[1]["engine"]["orders"]
