"""Wake the outbox readers when something happened, instead of waiting for their minute sweep.

The work-order timeline is the outbox (STYLE §6): readers such as dispatch and sla keep a cursor
(``OutboxCursor``) and re-read new rows. Apps register a task here at start-up (AppConfig.ready),
with the events they react to; the writer calls ``outbox_kick(event)`` inside its transaction for
every event it records and the interested readers are enqueued once it commits. The kick carries
no data, so a lost kick only delays work until the reader's next periodic run.

Work that must happen once per event and cannot be re-derived from the timeline (a message to the
customer, the first offer of a new order) is a durable job row instead: anxin/notifications/jobs.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import transaction

from anxin.core.models import OutboxCursor


@dataclass(frozen=True)
class _Reader:
    enqueue: Callable[[], object]
    events: frozenset[str] | None  # None: every event


_readers: dict[str, _Reader] = {}


def outbox_register(
    name: str, enqueue: Callable[[], object], *, events: Collection[str] | None = None
) -> None:
    """Enqueue ``enqueue`` after the commit of any transaction that records one of ``events``."""
    _readers[name] = _Reader(enqueue, frozenset(events) if events is not None else None)


def outbox_kick(event: str) -> None:
    for reader in list(_readers.values()):
        if reader.events is None or event in reader.events:
            transaction.on_commit(reader.enqueue)


def outbox_cursor(name: str, *, start: Callable[[], int] = lambda: 0) -> tuple[OutboxCursor, bool]:
    """The reader's cursor, created at ``start()`` the first time; (cursor, created)."""
    try:
        return OutboxCursor.objects.get(name=name), False
    except OutboxCursor.DoesNotExist:
        return OutboxCursor.objects.get_or_create(name=name, defaults={"last_event_id": start()})


def outbox_cursor_move(cursor: OutboxCursor, *, to: int) -> bool:
    """Move the cursor from where it was read to ``to``; False when another worker moved it first."""
    moved = OutboxCursor.objects.filter(pk=cursor.pk, last_event_id=cursor.last_event_id).update(
        last_event_id=to
    )
    if moved:
        cursor.last_event_id = to
    return bool(moved)
