from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The service report of a visit as a PDF: rendered from the order and its visit, hashed, downloadable by everyone who may see the order."""

    name = "anxin.reports"
    label = "reports"
    verbose_name = _("服务报告")
