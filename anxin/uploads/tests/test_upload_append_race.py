"""Two PATCHes of the same upload from the same offset at the same moment (a phone retrying while its
first request is still in flight): exactly one is written, the other hears 409, the file is not mixed.

Each thread has its own connection and transaction. On PostgreSQL the loser's conditional UPDATE waits on
the winner's row lock, then matches nothing; on SQLite writers are serialised (a "table is locked" from
the shared in-memory test database is retried, as a client would).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection

from anxin.uploads import services
from anxin.uploads.errors import OffsetMismatch
from anxin.uploads.models import Upload

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls: list) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(100):
                try:
                    results[index] = calls[index]()
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
        except Exception as exc:  # noqa: BLE001 - the outcome is the test's to judge
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_chunks_at_the_same_offset_one_wins_and_the_file_is_whole(agent, blob_purpose, monkeypatch):
    upload = services.upload_create(
        actor=agent, length=200, metadata={"purpose": "test_blob", "target": "T", "filetype": "video/webm"}
    )
    write = services._write_at

    def slow_write(path, offset, data):  # hold the claim long enough for the other request to arrive
        write(path, offset, data)
        time.sleep(0.2)

    monkeypatch.setattr(services, "_write_at", slow_write)
    results = _race(
        [
            lambda: services.upload_append(actor=agent, upload_id=upload.pk, offset=0, data=b"a" * 100),
            lambda: services.upload_append(actor=agent, upload_id=upload.pk, offset=0, data=b"b" * 100),
        ]
    )

    won = [r for r in results if isinstance(r, Upload)]
    lost = [r for r in results if isinstance(r, OffsetMismatch)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].offset == 100
    upload.refresh_from_db()
    assert upload.offset == 100
    assert upload.file_path.read_bytes() in (b"a" * 100, b"b" * 100)
