"""A/B of one evidence module against an earlier revision, interleaved in one process.

Runs far apart on this VM are not comparable (its speed drifts by a quarter within an hour), so the
old and new functions of ``--module`` take turns over the same samples and the same 1 M index:

    OMP_NUM_THREADS=1 taskset -c 1 .venv/bin/python bench/evidence_ab.py \\
        --rev 947ae53 --module anxin/evidence/detectors/dwtdct.py --half held-out

Callers must look the functions up through the module (``dwtdct.block_votes``), as the detectors do.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evidence as bench  # noqa: E402  (bench/evidence.py sets Django up)


def _functions(module: types.ModuleType) -> dict[str, types.FunctionType]:
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__
    }


def _earlier(rev: str, path: str) -> types.ModuleType:
    source = subprocess.run(["git", "show", f"{rev}:{path}"], check=True, capture_output=True).stdout
    with tempfile.NamedTemporaryFile("wb", suffix=".py", delete=False) as handle:
        handle.write(source)
    name = path.removesuffix(".py").replace("/", ".")
    spec = importlib.util.spec_from_file_location(name, handle.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = name.rpartition(".")[0]  # its relative imports resolve as in the package
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rev", required=True)
    parser.add_argument("--module", required=True, help="path of the module in the repository")
    parser.add_argument("--half", choices=("tuning", "held-out"), default="tuning")
    parser.add_argument("--index-size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each, alternating")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--split-seed", type=int, default=15)
    args = parser.parse_args()
    bench.cv2.setNumThreads(1)

    current = importlib.import_module(args.module.removesuffix(".py").replace("/", "."))
    versions = {"new": _functions(current), "old": _functions(_earlier(args.rev, args.module))}
    samples, index, features, earlier = bench.build(args.seed, 330, None, Path("/work/.mirror"))
    if args.index_size:
        pool = bench.descriptor_pool(samples, earlier)
        bench.fast_fill(features, args.index_size, 16384, pool, args.seed)
    samples = [s for s in samples if bench.held_out(s.source, args.split_seed) == (args.half == "held-out")]
    medians: dict[str, list[float]] = {"old": [], "new": []}
    for run in range(args.runs):
        for label in ("old", "new") if run % 2 == 0 else ("new", "old"):
            for name, function in versions[label].items():
                setattr(current, name, function)
            _, _, cpu, lookups = bench.run(samples, index, features, earlier)
            medians[label].append(statistics.median(cpu) * 1000)
            print(
                f"{label}: CPU median {medians[label][-1]:.1f} ms, lookup alone "
                f"{statistics.median(lookups) * 1000:.1f} ms, load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    for label, values in medians.items():
        print(
            f"{label} ({args.rev if label == 'old' else 'HEAD'}): median {statistics.median(values):.1f} ms, runs "
            + ", ".join(f"{v:.1f}" for v in values)
        )


if __name__ == "__main__":
    main()
