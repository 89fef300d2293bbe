from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """Service points, their technicians (skills, shifts) and which divisions each point covers."""

    name = "anxin.network"
    label = "network"
    verbose_name = _("服务网络")
