"""The local-feature reuse index on disk, shared by the evidence workers of one installation.

Layout of ``ANXIN_EVIDENCE_INDEX_DIR``:

* ``snap-<n>/`` - a ``FeatureIndex.save`` snapshot holding the first ``n`` photos;
* ``CURRENT`` - the name of the live snapshot (replaced atomically with ``os.replace``);
* ``journal.jsonl`` - one line per photo added since that snapshot: its slot, key, 48 descriptors
  and their positions (about 2.5 kB). Appending a line is the cheap per-photo write; every
  ``COMPACT_EVERY`` adds the index is written as a new snapshot and the journal emptied;
* ``lock`` - an exclusive ``flock`` held while adding (journal append and compaction).

Readers never lock: they load the snapshot named by ``CURRENT`` and replay complete journal lines;
a line carries its slot, so a line already inside the snapshot (a crash between writing ``CURRENT``
and emptying the journal) is skipped, never added twice. Each worker process keeps one copy in
memory (``feature_store``) and before each search or add catches up with what other processes
appended (new journal lines: a read of the file's tail; a new snapshot: a reload). So several
evidence workers may run at once: adds are serialised by the lock, and a worker sees the others'
photos at its next search. One worker is the normal deployment (its queue is memory-capped and
each process holds the whole index in memory, 3.6 GiB at 1 M photos).
"""

from __future__ import annotations

import base64
import fcntl
import functools
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .hashindex import INDEX_FEATURES, FeatureIndex, LocalFeatures

log = logging.getLogger(__name__)

COMPACT_EVERY = 500  # journal lines before a new snapshot (a snapshot of 1 M photos takes seconds)


def _encode(key: str, slot: int, features: LocalFeatures) -> str:
    kept = features.strongest(INDEX_FEATURES)
    return json.dumps(
        {
            "slot": slot,
            "key": key,
            "points": base64.b64encode(np.ascontiguousarray(kept.points, np.float32).tobytes()).decode(),
            "descriptors": base64.b64encode(
                np.ascontiguousarray(kept.descriptors, np.uint8).tobytes()
            ).decode(),
        },
        separators=(",", ":"),
    )


def _decode(line: str) -> tuple[int, str, LocalFeatures]:
    row = json.loads(line)
    points = np.frombuffer(base64.b64decode(row["points"]), np.float32).reshape(-1, 2)
    descriptors = np.frombuffer(base64.b64decode(row["descriptors"]), np.uint8).reshape(-1, 32)
    return int(row["slot"]), str(row["key"]), LocalFeatures(points, descriptors)


class FeatureStore:
    """One process's view of the on-disk index: ``index()`` to search, ``add`` to record a photo."""

    def __init__(self, directory: str | Path, *, compact_every: int = COMPACT_EVERY) -> None:
        self.directory = Path(directory)
        self.compact_every = compact_every
        self._index = FeatureIndex()
        self._snapshot = ""  # name of the loaded snapshot ("" = none)
        self._journal_offset = 0  # bytes of the journal already applied
        self._journal_lines = 0
        self._guard = threading.Lock()  # threads of one process (a threaded worker)

    @property
    def _journal(self) -> Path:
        return self.directory / "journal.jsonl"

    def _current(self) -> str:
        try:
            return (self.directory / "CURRENT").read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return ""

    def _refresh(self) -> None:
        while True:
            current = self._current()
            if current != self._snapshot:
                try:
                    self._index = FeatureIndex.load(self.directory / current) if current else FeatureIndex()
                except FileNotFoundError:
                    continue  # replaced by a newer snapshot meanwhile: read CURRENT again
                self._snapshot, self._journal_offset, self._journal_lines = current, 0, 0
            try:
                with self._journal.open("rb") as handle:
                    handle.seek(self._journal_offset)
                    tail = handle.read()
            except FileNotFoundError:
                tail = b""
            # A compaction replaces CURRENT before it empties the journal: if CURRENT is unchanged
            # after the read, the bytes read belong to the journal of the snapshot we hold.
            if self._current() == current:
                break
        if len(tail) == 0:
            return
        complete = tail[: tail.rfind(b"\n") + 1]  # a line being written is read next time
        for raw in complete.splitlines():
            slot, key, features = _decode(raw.decode("utf-8"))
            self._journal_lines += 1
            if slot < len(self._index):
                continue  # already in the snapshot
            if slot > len(self._index):
                log.error("evidence index journal skips slots %d..%d", len(self._index), slot - 1)
            self._index.add(key, features)
        self._journal_offset += len(complete)

    def index(self) -> FeatureIndex:
        """The index with everything any worker has added so far."""
        with self._guard:
            self._refresh()
            return self._index

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._guard, (self.directory / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key: str, features: LocalFeatures) -> bool:
        """Record a photo (durably: the journal line is fsynced). False if the key is already in."""
        with self._locked():
            self._refresh()
            if key in self._index:
                return False
            line = _encode(key, len(self._index), features) + "\n"
            with self._journal.open("ab") as journal:
                journal.write(line.encode("utf-8"))
                journal.flush()
                os.fsync(journal.fileno())
            self._refresh()  # applies our own line like any other
            if self._journal_lines >= self.compact_every:
                self._compact()
            return True

    def _compact(self) -> None:
        """Write the whole index as a new snapshot, point CURRENT at it, empty the journal (locked).

        When the index has outgrown its inverted lists (``lists_due``), it is re-trained first: a
        rare, slow compaction (minutes near 1 M photos) that keeps every later lookup fast.
        """
        lists = self._index.lists_due()
        if lists is not None:
            log.info("evidence index: re-training with %d inverted lists", lists)
            self._index.rebuild(lists)
        name = f"snap-{len(self._index)}"
        target = self.directory / name
        shutil.rmtree(target, ignore_errors=True)
        self._index.save(target)
        pointer = self.directory / "CURRENT.tmp"
        pointer.write_text(name, encoding="ascii")
        os.replace(pointer, self.directory / "CURRENT")
        self._journal.write_bytes(b"")
        old, self._snapshot = self._snapshot, name
        self._journal_offset, self._journal_lines = 0, 0
        if old and old != name:
            shutil.rmtree(self.directory / old, ignore_errors=True)


@functools.lru_cache(maxsize=4)
def feature_store(directory: str) -> FeatureStore:
    """The store of this process for ``directory`` (one in-memory copy of the index per process)."""
    return FeatureStore(directory)
