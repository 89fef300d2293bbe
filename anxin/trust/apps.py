from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    """Proof of who is at the door and which channels are ours: the technician's digital badge (a signed,
    rotating QR token checked on /verify/), the brands' official channels, and reports of fake hotlines."""

    name = "anxin.trust"
    label = "trust"
    verbose_name = _("身份核验")
