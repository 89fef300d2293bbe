"""The layering rule (docs/decisions.md §17) as a test: no module imports a module of a higher layer.

The contract lives in pyproject.toml ([tool.importlinter]) and is checked by import-linter, which
builds the import graph of ``anxin`` (indirect imports included). Tests may import anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_fails_on_an_upward_import(tmp_path):
    """The test above can fail: in a copy of the package where workorders imports dispatch, it does."""
    shutil.copytree(ROOT / "anxin", tmp_path / "anxin", ignore=shutil.ignore_patterns("__pycache__", "*.gz"))
    (tmp_path / "anxin" / "workorders" / "upward.py").write_text("from anxin.dispatch import models\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    result = _lint_imports(tmp_path)

    assert result.returncode != 0
    assert "anxin.workorders.upward -> anxin.dispatch.models" in result.stdout
