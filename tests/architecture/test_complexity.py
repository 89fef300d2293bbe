"""Function size and complexity limits of services and selectors (issue #9), checked by
``scripts/check_complexity.py`` (radon); ``make lint`` runs the same script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    """The script as a module (scripts/ is not a package)."""
    if "check_complexity" not in sys.modules:
        path = ROOT / "scripts" / "check_complexity.py"
        spec = importlib.util.spec_from_file_location("check_complexity", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["check_complexity"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules["check_complexity"]


def _long_function(name: str, lines: int) -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(lines - 2))
    return f"def {name}():\n{body}    return 0\n"


def _branchy_function(name: str, branches: int) -> str:
    body = "".join(f"    if a == {i}:\n        return {i}\n" for i in range(branches))
    return f"def {name}(a):\n{body}    return -1\n"


def test_no_service_or_selector_function_is_over_60_lines_or_complexity_15():
    checker = _checker()
    files = checker.default_files()

    found = checker.offenders(files)

    assert any(f.name == "services.py" for f in files) and any(f.name == "selectors.py" for f in files)
    assert found == [], "\n".join(map(str, found))


def test_the_checker_reports_a_long_and_a_branchy_function_and_spares_small_ones(tmp_path):
    checker = _checker()
    source = tmp_path / "services.py"
    source.write_text(
        _long_function("too_long", 61)
        + _long_function("just_fits", 60)
        + _branchy_function("too_branchy", 15)
        + _branchy_function("branchy_enough", 14)
    )

    found = checker.offenders([source], root=tmp_path)

    assert [(f.name, f.lines, f.complexity) for f in found] == [("too_long", 61, 1), ("too_branchy", 32, 16)]


def test_the_allow_list_spares_only_the_named_engine_function_in_its_own_module(tmp_path):
    checker = _checker()
    engine = tmp_path / "anxin" / "benchmarks"
    engine.mkdir(parents=True)
    (engine / "dispatch_simulation.py").write_text(
        _long_function("simulate", 80) + _long_function("build_world", 80)
    )
    (tmp_path / "services.py").write_text(_long_function("simulate", 80))

    found = checker.offenders([engine / "dispatch_simulation.py", tmp_path / "services.py"], root=tmp_path)

    assert [(f.path, f.name) for f in found] == [
        ("anxin/benchmarks/dispatch_simulation.py", "build_world"),
        ("services.py", "simulate"),
    ]
