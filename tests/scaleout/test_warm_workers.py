"""A web process is warm before it takes its first request (anxin/warmup.py).

Each server imports the WSGI or ASGI module in a fresh Python process, as a gunicorn worker does;
then resolving the API's URL and an address must import nothing and load nothing more: the work a
first customer used to wait ~1.2 s of CPU for is already done (docs/benchmarks.md §1, "cold workers").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
from anxin.areas import tree
loaded = set(sys.modules)
tree_loaded = tree._tree is not None
from django.urls import resolve
from anxin.areas.resolver import resolve as resolve_address
match = resolve("/api/v1/orders")
resolution = resolve_address("北京市朝阳区建国路88号")
print(json.dumps({
    "tree_loaded_at_import": tree_loaded,
    "imported_by_first_use": sorted(set(sys.modules) - loaded),
    "view": match.func.__module__,
    "county": resolution.county_code,
}))
"""


@pytest.mark.parametrize("module", ["anxin.wsgi", "anxin.asgi"])
def test_the_server_module_warms_the_process(module, tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "anxin.settings_test", "ANXIN_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, module], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])

    assert found["tree_loaded_at_import"] is True
    assert found["imported_by_first_use"] == []
    assert found["view"].startswith("ninja")
    assert found["county"] == "110105"  # 朝阳区, Beijing
