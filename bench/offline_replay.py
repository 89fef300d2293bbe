"""Benchmark: the technician's phone replays 50 actions queued offline (issue #12).

    .venv/bin/python bench/offline_replay.py --rounds 5

Runs the browser check tests/browser/test_offline_replay.py (Playwright + Debian chromium, Django's live
server on SQLite) for several rounds: each round queues 50 htmx posts with the browser context offline,
reconnects, and measures from the reconnect to the last post stored on the server; it asserts that every
post arrived exactly once and in order. Prints the per-round times and the median as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "offline_replay.json"
        env = {**os.environ, "ANXIN_BENCH_ROUNDS": str(args.rounds), "ANXIN_BENCH_OUT": str(out)}
        test = "tests/browser/test_offline_replay.py"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test]
        done = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if done.returncode or not out.exists():
            return done.returncode or 1
        sys.stdout.write(json.dumps(json.loads(out.read_text()), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
