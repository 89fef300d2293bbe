"""Synthetic data for the tests and the benchmarks: appliance photos and forgeries, seeded dispatch days.

Runtime code never imports this package (import-linter contract in pyproject.toml); tests, ``bench/``
and ``anxin.benchmarks`` may.
"""
