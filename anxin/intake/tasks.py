from __future__ import annotations

from huey.contrib.djhuey import db_task

from anxin.intake.acknowledgements import acknowledgement_send


@db_task(retries=3, retry_delay=30)
def acknowledge_request(order_id: int, linked: bool) -> None:
    acknowledgement_send(order_id=order_id, linked=linked)
