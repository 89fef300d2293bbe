from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "anxin.evidence"
    label = "evidence"
    verbose_name = _("售后申请与证据")
