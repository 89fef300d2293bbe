"""Developer tools that measure the dispatch engine: the day simulator and the Solomon VRPTW runner.

An app only so that ``manage.py simulate_dispatch`` and ``manage.py solve_vrptw`` exist; it has no
models, and runtime code never imports it (import-linter contract in pyproject.toml).
"""
