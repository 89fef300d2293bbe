from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anxin.core"
    label = "core"

    def ready(self) -> None:
        # Registers the production start-up checks (demo secrets, generated keys, deploy warnings).
        from anxin.core import checks  # noqa: F401
