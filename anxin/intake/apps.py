from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "anxin.intake"
    label = "intake"

    def ready(self) -> None:
        from anxin.core.outbox import outbox_register
        from anxin.intake.milestones import MILESTONES
        from anxin.intake.tasks import milestones_read_now

        # The customer's milestone messages leave within seconds of the event's commit.
        outbox_register("milestones", milestones_read_now, events=set(MILESTONES))
