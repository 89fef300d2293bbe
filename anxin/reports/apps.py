from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The service report of a visit as a PDF: rendered from the order and its visit, hashed, downloadable by everyone who may see the order."""

    name = "anxin.reports"
    label = "reports"
    verbose_name = _("服务报告")

    def ready(self) -> None:
        from anxin.core.outbox import outbox_register
        from anxin.reports.tasks import reports_outbox_read_now
        from anxin.workorders.choices import Event

        # A completed order gets its report at once; the minute task catches a lost kick.
        outbox_register("reports", reports_outbox_read_now, events={Event.COMPLETE})
