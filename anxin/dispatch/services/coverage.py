"""React to coverage changes: out-of-coverage orders the new area covers are assigned and offered.

Network records each change as an outbox row (``network.CoverageChange``) and kicks this app's
sweep; this reader keeps its own cursor over those rows, so network never calls upward and a lost
kick only waits for the minute sweep. The reaction itself is idempotent: it re-evaluates every open
order flagged out of coverage, whichever point changed, and offers those that are covered now.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.dispatch.services.offers import offer_for_new_order
from anxin.network.models import CoverageChange
from anxin.workorders.choices import AttentionReason
from anxin.workorders.selectors import workorders_open_flagged
from anxin.workorders.services import workorder_coverage_refresh

OUTBOX_COVERAGE = "dispatch.coverage"


def coverage_changes_apply(*, now: dt.datetime | None = None) -> int:
    """After new coverage changes: place and offer the flagged orders now covered; how many were placed."""
    cursor, _ = outbox_cursor(OUTBOX_COVERAGE)  # from the start: re-reading old changes is harmless
    rows = list(outbox_unread(cursor, CoverageChange.objects.all())[:500])
    if not rows or not outbox_cursor_move(cursor, to=(rows[-1].txid, rows[-1].id)):
        return 0  # nothing new, or another worker took this batch
    now = now or timezone.now()
    placed = 0
    for order in workorders_open_flagged(reason=AttentionReason.OUT_OF_COVERAGE):
        if workorder_coverage_refresh(order=order):
            placed += 1
            offer_for_new_order(order_id=order.pk, now=now)
    return placed
