from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "anxin.sla"
    label = "sla"

    def ready(self) -> None:
        from anxin.core.outbox import outbox_register
        from anxin.sla.tasks import sla_outbox_read_now

        # Every event: a policy's target may start on any of them (SlaTarget.starts_on).
        outbox_register("sla", sla_outbox_read_now)
