from __future__ import annotations

from anxin.notifications.jobs import durable_job


@durable_job
def quote_link_text(*, quote_id: int) -> None:
    """Durable job enqueued when a quote is sent with an SMS: retried until the link is texted once."""
    from anxin.pricing.services import quote_link_text_send

    quote_link_text_send(quote_id=quote_id)
