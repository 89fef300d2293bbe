from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anxin.core"
    label = "core"
    verbose_name = _("审计")

    def ready(self) -> None:
        # Registers the production start-up checks (demo secrets, generated keys, deploy warnings).
        from anxin.core import checks  # noqa: F401
