from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    """The customer watches the visit: live order updates over WebSockets, the technician's position while
    en route, the arrival code that proves he is at the right door, and masked calls (docs/realtime.md)."""

    name = "anxin.live"
    label = "live"
    verbose_name = _("实时跟踪")

    def ready(self) -> None:
        from anxin.core.outbox import outbox_register
        from anxin.live.calls import BINDING_EVENTS
        from anxin.live.services import arrival_guard, position_listener
        from anxin.live.tasks import live_outbox_read_now
        from anxin.network.services import technician_location_listen
        from anxin.workorders.choices import Event
        from anxin.workorders.guards import transition_guard_register

        # Every path to ARRIVE (page, API, command) needs the customer's code: arrival_confirm.
        transition_guard_register(Event.ARRIVE, arrival_guard)
        # Number-masking bindings follow the order's life (own outbox cursor).
        outbox_register("live", live_outbox_read_now, events=BINDING_EVENTS)
        # Positions posted by the phone (page or API) become the order's track while en route.
        technician_location_listen(position_listener)
