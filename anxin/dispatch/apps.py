from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "anxin.dispatch"
    label = "dispatch"
    verbose_name = _("派单")

    def ready(self) -> None:
        from anxin.core.outbox import outbox_register
        from anxin.dispatch.tasks import dispatch_sweep_now
        from anxin.network.choices import COVERAGE_CHANGED
        from anxin.workorders.choices import Event

        # Cancellations, reopenings and completions elsewhere re-plan within seconds; a corrected
        # order or a coverage change may make a flagged order offerable.
        outbox_register(
            "dispatch",
            dispatch_sweep_now,
            events={Event.CANCEL, Event.REOPEN, Event.COMPLETE, Event.CORRECTED, COVERAGE_CHANGED},
        )
