"""Wake the outbox readers when something happened, instead of waiting for their minute sweep.

The work-order timeline is the outbox (STYLE §6): readers such as dispatch keep a cursor and
re-read new rows. Apps register a task here at start-up (AppConfig.ready); writers call
``outbox_kick`` inside their transaction and the tasks are enqueued once it commits. The kick
carries no data, so a lost kick only delays work until the next periodic sweep.

Work that must happen once per event and cannot be re-derived from the timeline (a message to the
customer, the first offer of a new order) is a durable job row instead: anxin/notifications/jobs.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

_readers: dict[str, Callable[[], object]] = {}


def outbox_register(name: str, enqueue: Callable[[], object]) -> None:
    _readers[name] = enqueue


def outbox_kick() -> None:
    for enqueue in list(_readers.values()):
        transaction.on_commit(enqueue)
