from __future__ import annotations

from anxin.intake.acknowledgements import acknowledgement_send
from anxin.notifications.jobs import durable_job


@durable_job
def acknowledge_request(*, order_id: int, linked: bool) -> None:
    """Durable job enqueued with the order: retried with backoff until the message is sent once."""
    acknowledgement_send(order_id=order_id, linked=linked)
