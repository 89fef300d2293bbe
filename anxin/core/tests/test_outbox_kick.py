"""The outbox kick wakes, after the commit, only the readers that react to the recorded event."""

import pytest

from anxin.core import outbox


@pytest.fixture
def reader(monkeypatch):
    woken: list[str] = []
    monkeypatch.setattr(outbox, "_readers", {})
    outbox.outbox_register("cancels", lambda: woken.append("cancels"), events={"cancel"})
    outbox.outbox_register("everything", lambda: woken.append("everything"))
    return woken


def test_a_kick_wakes_interested_readers_only_after_the_commit(
    db, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.outbox_kick("arrive")
        assert reader == []
    assert len(callbacks) == 1 and reader == ["everything"]

    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_kick("cancel")
    assert sorted(reader[1:]) == ["cancels", "everything"]


def test_the_cursor_moves_only_from_where_it_was_read(db):
    first, created = outbox.outbox_cursor("test", start=lambda: (3, 7))
    second, _ = outbox.outbox_cursor("test")
    assert created and first.position == (3, 7)

    assert outbox.outbox_cursor_move(first, to=(3, 9))
    assert not outbox.outbox_cursor_move(second, to=(3, 8))  # read at 7: another worker moved it meanwhile
    assert outbox.outbox_cursor("test")[0].position == (3, 9)
