"""The layering rule (docs/decisions.md §17) as a test: no module imports a module of a higher layer.

The contracts live in pyproject.toml ([tool.importlinter]) and are checked by import-linter, which
builds the import graph of ``anxin`` (indirect imports included). Tests may import anything. A second
contract keeps the test and benchmark helpers (``anxin.testing``, ``anxin.benchmarks``) out of runtime code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(project / "pyproject.toml")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_no_app_imports_a_higher_layer():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "reported"),
    [
        (
            "workorders/upward.py",
            "from anxin.dispatch import models",
            "anxin.workorders.upward -> anxin.dispatch.models",
        ),
        (
            "dispatch/uses_helpers.py",
            "from anxin.testing import dispatch_days",
            "anxin.dispatch.uses_helpers -> anxin.testing.dispatch_days",
        ),
    ],
    ids=["upward-import", "runtime-imports-test-helpers"],
)
def test_the_contracts_fail_on_a_forbidden_import(tmp_path, module, line, reported):
    """The test above can fail: in a copy of the package with one forbidden import added, it does."""
    shutil.copytree(ROOT / "anxin", tmp_path / "anxin", ignore=shutil.ignore_patterns("__pycache__", "*.gz"))
    (tmp_path / "anxin" / module).write_text(line + "\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    result = _lint_imports(tmp_path)

    assert result.returncode != 0
    assert reported in result.stdout


def test_every_runtime_package_is_kept_away_from_the_helpers():
    """A new app must be added to the helper contract's source modules, or it could import them unseen."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    helpers = next(c for c in contracts if c["type"] == "forbidden")
    listed = set(helpers["source_modules"]) | set(helpers["forbidden_modules"]) | {"anxin.settings_test"}
    top_level = {
        f"anxin.{path.stem}"
        for path in (ROOT / "anxin").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }

    assert top_level - listed == set()
