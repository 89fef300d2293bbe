"""The on-disk reuse index: journal + snapshots, shared by several worker processes."""

from __future__ import annotations

import numpy as np

from anxin.evidence.featurestore import FeatureStore
from anxin.evidence.hashindex import LocalFeatures


def _features(seed: int) -> LocalFeatures:
    rng = np.random.default_rng(seed)
    return LocalFeatures(
        rng.uniform(0, 512, (48, 2)).astype(np.float32), rng.integers(0, 256, (48, 32), dtype=np.uint8)
    )


def test_a_second_process_sees_the_photos_the_first_added(tmp_path):
    first, second = FeatureStore(tmp_path), FeatureStore(tmp_path)
    second.index()  # loaded before the add, like a worker that started earlier

    first.add("CL261202AAAAAA/1", _features(1))

    assert "CL261202AAAAAA/1" in second.index()
    hits = second.index().search(_features(1))
    assert [hit.key for hit in hits] == ["CL261202AAAAAA/1"]


def test_adds_from_two_processes_share_one_sequence_without_duplicates(tmp_path):
    first, second = FeatureStore(tmp_path), FeatureStore(tmp_path)

    first.add("CL261202AAAAAA/1", _features(1))
    second.add("CL261202BBBBBB/2", _features(2))
    assert first.add("CL261202BBBBBB/2", _features(2)) is False  # already in, added by the other

    assert first.index().keys == second.index().keys == ["CL261202AAAAAA/1", "CL261202BBBBBB/2"]


def test_a_compaction_writes_a_snapshot_and_empties_the_journal(tmp_path):
    store = FeatureStore(tmp_path, compact_every=3)
    reader = FeatureStore(tmp_path)
    for number in range(4):
        store.add(f"CL261202AAAAAA/{number}", _features(number))

    assert (tmp_path / "CURRENT").read_text() == "snap-3"
    assert len((tmp_path / "journal.jsonl").read_text().splitlines()) == 1
    assert reader.index().keys == [f"CL261202AAAAAA/{n}" for n in range(4)]
    assert [hit.key for hit in reader.index().search(_features(2))] == ["CL261202AAAAAA/2"]


def test_journal_lines_already_in_the_snapshot_are_not_added_twice(tmp_path):
    store = FeatureStore(tmp_path, compact_every=2)
    store.add("CL261202AAAAAA/1", _features(1))
    journal = (tmp_path / "journal.jsonl").read_bytes()
    store.add("CL261202AAAAAA/2", _features(2))  # compaction: snapshot of both, journal emptied
    # A crash between writing CURRENT and emptying the journal leaves the old lines behind.
    (tmp_path / "journal.jsonl").write_bytes(journal)

    assert FeatureStore(tmp_path).index().keys == ["CL261202AAAAAA/1", "CL261202AAAAAA/2"]


def test_a_half_written_journal_line_is_read_once_it_is_complete(tmp_path):
    store = FeatureStore(tmp_path)
    store.add("CL261202AAAAAA/1", _features(1))
    line = (tmp_path / "journal.jsonl").read_bytes()
    (tmp_path / "journal.jsonl").write_bytes(b"")
    reader = FeatureStore(tmp_path)

    (tmp_path / "journal.jsonl").write_bytes(line[:100])
    assert len(reader.index()) == 0
    (tmp_path / "journal.jsonl").write_bytes(line)
    assert reader.index().keys == ["CL261202AAAAAA/1"]


def test_a_compaction_retrains_an_index_that_outgrew_its_inverted_lists(tmp_path, monkeypatch):
    from anxin.evidence import hashindex

    monkeypatch.setattr(hashindex, "TRAIN_AT", 2000)
    monkeypatch.setattr(hashindex, "IVF_LISTS", 16)
    monkeypatch.setattr(hashindex, "CODES_PER_LIST", 100)
    store = FeatureStore(tmp_path, compact_every=80)
    for number in range(80):
        store.add(f"CL261202AAAAAA/{number}", _features(number))

    reader = FeatureStore(tmp_path)  # a worker starting now loads the new snapshot

    assert reader.index().index.nlist == 64
    assert [hit.key for hit in reader.index().search(_features(7))] == ["CL261202AAAAAA/7"]
