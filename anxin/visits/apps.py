from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    """The on-site visit: inspection checklists, security assessments, diagnosis with photos, advice after repair, and what completion requires."""

    name = "anxin.visits"
    label = "visits"
    verbose_name = _("上门服务")

    def ready(self) -> None:
        # Every path that moves the order (pages, API, the phone card's buttons, commands) meets these.
        from anxin.uploads.purposes import upload_purpose_register
        from anxin.visits import completion, services, uploads
        from anxin.workorders.choices import Event
        from anxin.workorders.guards import transition_guard_register

        transition_guard_register(Event.DIAGNOSE, completion.diagnose_guard)
        transition_guard_register(Event.START_REPAIR, completion.start_repair_guard)
        transition_guard_register(Event.COMPLETE, completion.complete_guard)
        # Photos from the phone arrive as resumable (tus) uploads and become visit photos when complete.
        upload_purpose_register(
            uploads.PURPOSE,
            authorize=uploads.visit_photo_authorize,
            complete=uploads.visit_photo_complete,
            max_bytes=services.MAX_PHOTO_BYTES,
            content_types=uploads.CONTENT_TYPES,
        )
