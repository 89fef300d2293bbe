from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (seed_demo). It sits on top: it files orders through intake and
    moves them through the workflow, so it may use every app and no app may use it."""

    name = "anxin.demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        from anxin.demo import checks  # noqa: F401  (registers anxin.E006)
