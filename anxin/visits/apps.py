from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    """The on-site visit: inspection checklists, security assessments, diagnosis with photos, advice after repair, and what completion requires."""

    name = "anxin.visits"
    label = "visits"
    verbose_name = _("上门服务")
