"""Two technicians' phones reserve the last unit at the same moment: exactly one gets it.

Each thread has its own database connection and transaction. On PostgreSQL both UPDATEs run at once:
the second waits on the balance row's lock, then re-checks the condition against the committed row and
matches nothing. On SQLite writers are serialised, so the loser sees the winner's row; a "table is
locked" from the shared in-memory test database is retried (what a client would do).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection

from anxin.core.exceptions import Conflict
from anxin.parts import services
from anxin.parts.models import StockBalance, StockReservation
from anxin.parts.selectors import stock_level
from anxin.parts.tests.factories import assigned_order

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls, rounds_of_retry: int = 50) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(rounds_of_retry):
                try:
                    results[index] = calls[index]()
                    return
                except OperationalError as exc:  # SQLite shared-cache lock: try again, like a client
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


def test_two_reservations_race_for_the_last_unit_and_exactly_one_wins(
    dispatcher, technician, part, brand, category
):
    first = assigned_order(technician, phone="13800000011")
    second = assigned_order(technician, phone="13800000012")
    van = services.van_of(technician=technician)
    services.stock_receive(location=van, part=part, quantity=1, actor=dispatcher)

    results = _race(
        [
            lambda: services.stock_reserve(order=first, part=part, quantity=1, actor=technician.user),
            lambda: services.stock_reserve(order=second, part=part, quantity=1, actor=technician.user),
        ]
    )

    won = [r for r in results if isinstance(r, StockReservation)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "stock_insufficient"
    assert StockReservation.objects.count() == 1
    level = stock_level(location=van, part=part)
    assert (level.on_hand, level.reserved, level.available) == (1, 1, 0)
    assert StockBalance.objects.get(location=van, part=part).reserved == 1


def test_many_concurrent_reservations_never_oversell(dispatcher, technician, part, brand, category):
    orders = [assigned_order(technician, phone=f"1380000010{i}") for i in range(6)]
    van = services.van_of(technician=technician)
    services.stock_receive(location=van, part=part, quantity=4, actor=dispatcher)

    results = _race(
        [
            (lambda o=o: services.stock_reserve(order=o, part=part, quantity=1, actor=technician.user))
            for o in orders
        ]
    )

    assert sum(isinstance(r, StockReservation) for r in results) == 4, results
    assert sum(isinstance(r, Conflict) for r in results) == 2, results
    assert stock_level(location=van, part=part).available == 0
