"""Outbox readers never skip a row whose transaction took a lower id but committed later (issue #9).

On PostgreSQL an id is handed out at INSERT and the row appears at COMMIT. Transaction A inserts
event 1 and is still open; B inserts event 2 and commits; a reader going by "id > cursor" reads 2,
moves its cursor to 2, and event 1 (committed afterwards) is never read. ``outbox_unread`` reads
in (txid, id) order and only from transactions older than every one still running.
"""

import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrderEvent
from anxin.workorders.services import workorder_event_record
from anxin.workorders.tests.factories import order_file

on_postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has a single writer: ids are handed out and committed in the same order",
)


def _note(order, text):
    return workorder_event_record(order=order, event=Event.FOLLOW_UP, actor=None, note=text)


class _OpenTransaction(threading.Thread):
    """Records one event in its own connection and keeps the transaction open until released."""

    def __init__(self, order) -> None:
        super().__init__(daemon=True)
        self.order, self.inserted, self.release = order, threading.Event(), threading.Event()
        self.event_id: int | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.event_id = _note(self.order, "A: lower id, commits last").pk
                self.inserted.set()
                self.release.wait(timeout=30)
        finally:
            connection.close()


def _read(cursor) -> list[int]:
    """What one reader pass takes: the unread rows, then the cursor moved past them."""
    rows = list(outbox_unread(cursor, WorkOrderEvent.objects.all()).values_list("txid", "id"))
    if rows:
        assert outbox_cursor_move(cursor, to=rows[-1])
    return [event_id for _, event_id in rows]


def _read_until(cursor, wanted: set[int], seconds: float = 30) -> list[int]:
    # A transaction still open in this database (another test's connection closing) delays, never
    # loses, a row: wait for it rather than assume a quiet database.
    taken: list[int] = []
    deadline = time.monotonic() + seconds
    while not wanted <= set(taken) and time.monotonic() < deadline:
        taken += _read(cursor)
        time.sleep(0.05)
    return taken


@on_postgresql_only
def test_a_row_committed_after_a_higher_id_is_read_not_skipped(transactional_db, brand, category):
    order = order_file()
    cursor, _ = outbox_cursor("late-commit-test")
    _read_until(cursor, {e.pk for e in WorkOrderEvent.objects.all()})  # the order's own events

    slow = _OpenTransaction(order)
    slow.start()
    assert slow.inserted.wait(timeout=30)
    fast = _note(order, "B: higher id, commits first")
    assert slow.event_id is not None and slow.event_id < fast.pk
    # An id cursor would read B now and skip A for ever:
    assert list(WorkOrderEvent.objects.filter(id__gt=slow.event_id).values_list("id", flat=True)) == [fast.pk]

    assert _read(cursor) == []  # B waits: A, older, is still running

    slow.release.set()
    slow.join(timeout=30)
    assert _read_until(cursor, {slow.event_id, fast.pk}) == [slow.event_id, fast.pk]
    assert _read(cursor) == []


def test_rows_of_the_readers_own_transaction_are_read(transactional_db, brand, category):
    order = order_file()
    cursor, _ = outbox_cursor("own-rows-test")
    _read_until(cursor, {e.pk for e in WorkOrderEvent.objects.all()})
    with transaction.atomic():
        own = _note(order, "written and read in one transaction")
        assert _read(cursor) == [own.pk]


@on_postgresql_only
def test_an_open_transaction_in_another_database_does_not_hold_reads_back(transactional_db, brand, category):
    """Transaction ids are cluster-wide, but only this database's transactions can write its outbox:
    a long transaction elsewhere on the server (another application, a parallel test run) must not
    hold back dispatch or the customer's texts."""
    order = order_file()
    cursor, _ = outbox_cursor("other-database-test")
    _read_until(cursor, {e.pk for e in WorkOrderEvent.objects.all()})
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname="postgres"
    ) as elsewhere:
        elsewhere.execute("CREATE TEMP TABLE held (i int)")  # takes a transaction id, kept until rollback
        assert elsewhere.execute("SELECT pg_current_xact_id_if_assigned()").fetchone() != (None,)
        event = _note(order, "written while another database has a transaction open")
        assert _read(cursor) == [event.pk]
        elsewhere.rollback()
