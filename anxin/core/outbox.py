"""Wake the outbox readers when something happened, instead of waiting for their minute sweep.

The work-order timeline is the outbox (STYLE §6): readers such as dispatch and sla keep a cursor
(``OutboxCursor``) and read the rows after it with ``outbox_unread``. Apps register a task here at start-up (AppConfig.ready),
with the events they react to; the writer calls ``outbox_kick(event)`` inside its transaction for
every event it records and the interested readers are enqueued once it commits. The kick carries
no data, so a lost kick only delays work until the reader's next periodic run.

Work that must happen once per event and cannot be re-derived from the timeline (a message to the
customer, the first offer of a new order) is a durable job row instead: anxin/notifications/jobs.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

from django.db import connections, transaction
from django.db.models import BigIntegerField, Func, Model, Q, QuerySet

from anxin.core.models import OutboxCursor

_Row = TypeVar("_Row", bound=Model)


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


Position = tuple[int, int]  # (txid, id) of an outbox row


def outbox_cursor(name: str, *, start: Callable[[], Position] = lambda: (0, 0)) -> tuple[OutboxCursor, bool]:
    """The reader's cursor, created at ``start()`` the first time; (cursor, created)."""
    try:
        return OutboxCursor.objects.get(name=name), False
    except OutboxCursor.DoesNotExist:
        txid, event_id = start()
        return OutboxCursor.objects.get_or_create(
            name=name, defaults={"last_txid": txid, "last_event_id": event_id}
        )


class _OldestRunningHere(Func):
    """The oldest transaction still running in this database: every transaction below it has
    committed, rolled back, or runs in another database of the server (which cannot write here).

    Transaction ids are cluster-wide, so ``pg_snapshot_xmin`` alone would let any long transaction
    on the server (another application's database, a parallel test run) hold every read back. The
    snapshot's running ids are kept unless the sessions' activity shows the id in a session of
    another database (``pg_stat_get_activity``, the function under the ``pg_stat_activity`` view:
    0.2 ms against the view's 0.44, mostly planning; an ordinary role sees that column for every
    session). An id it cannot attribute (the session ended meanwhile, a prepared transaction) is
    kept, so the bound is never later than it may be.
    """

    output_field = BigIntegerField()
    template = (
        "(SELECT COALESCE(min(running::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)"
        " FROM pg_snapshot_xip(pg_current_snapshot()) AS running"
        " WHERE NOT EXISTS (SELECT 1 FROM pg_stat_get_activity(NULL) AS session"
        " WHERE session.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND session.backend_xid::text::bigint = (running::text::bigint & 4294967295)))"
    )


class _OwnTransactionId(Func):
    """This transaction's id, NULL while it has written nothing."""

    output_field = BigIntegerField()
    template = "(pg_current_xact_id_if_assigned()::text::bigint)"


def outbox_unread(cursor: OutboxCursor, rows: QuerySet[_Row]) -> QuerySet[_Row]:
    """The outbox rows after the cursor that no running transaction can still precede, in reading order.

    ``rows`` is a queryset of a model with ``txid`` (``db_default=CurrentTransactionId()``) and ``id``.
    An id is handed out at INSERT but the row appears at COMMIT: on PostgreSQL a transaction that
    took id 10 and commits after the one that took id 11 would be skipped forever by a reader going
    by id. So rows are read in (txid, id) order and only from transactions older than the oldest one
    still running in this database (``_OldestRunningHere``): that set is final, and every later row
    sorts after it. A long transaction in this database delays outbox reads (it never loses a row);
    one in another database of the server does not. A reader running inside the writing
    transaction (tests do) also sees that transaction's own rows; production readers run in their
    own transaction after the commit (the kick, the minute sweep) and must stay so, or their own rows
    could carry the cursor past an older transaction still open. On SQLite, the single writer
    commits in id order and every txid is 0.
    """
    after = Q(txid__gt=cursor.last_txid) | Q(txid=cursor.last_txid, id__gt=cursor.last_event_id)
    unread = rows.filter(after)
    if connections[rows.db].vendor == "postgresql":
        unread = unread.filter(Q(txid__lt=_OldestRunningHere()) | Q(txid=_OwnTransactionId()))
    return unread.order_by("txid", "id")


def outbox_cursor_move(cursor: OutboxCursor, *, to: Position) -> bool:
    """Move the cursor from where it was read to ``to``; False when another worker moved it first."""
    txid, event_id = to
    moved = OutboxCursor.objects.filter(
        pk=cursor.pk, last_txid=cursor.last_txid, last_event_id=cursor.last_event_id
    ).update(last_txid=txid, last_event_id=event_id)
    if moved:
        cursor.last_txid, cursor.last_event_id = txid, event_id
    return bool(moved)
