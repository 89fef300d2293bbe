from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Hosts the benchmark management commands; nothing here runs unless a developer calls them."""

    name = "anxin.benchmarks"
    verbose_name = "基准测试"
