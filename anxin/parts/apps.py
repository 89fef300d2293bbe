from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    """Genuine parts: the brands' parts catalogue, stock per location as a ledger of moves, and the brand-issued codes that prove a serialised part is genuine."""

    name = "anxin.parts"
    label = "parts"
    verbose_name = _("配件与库存")
