"""Completing an order issues its report: a reader of the work-order outbox with its own cursor."""

from __future__ import annotations

import pytest

from anxin.core.models import OutboxCursor
from anxin.reports.models import ServiceReport
from anxin.reports.services import reports_outbox_read
from anxin.reports.tests.factories import completed_order
from anxin.workorders.choices import Event
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


def test_a_completion_issues_the_report_once(brand, category, technician):
    order = completed_order(technician=technician, photos=0)
    order_file(phone="13900139000")  # open, not completed: nothing to report

    assert reports_outbox_read() == 1
    assert reports_outbox_read() == 0  # the cursor moved

    report = ServiceReport.objects.get()
    assert (report.order, report.version) == (order, 1)
    assert order.events.filter(event=Event.REPORT_ISSUED).count() == 1


def test_reading_the_same_completions_again_issues_nothing_new(brand, category, technician):
    completed_order(technician=technician, photos=0)
    reports_outbox_read()

    OutboxCursor.objects.filter(name="reports").update(last_txid=0, last_event_id=0)  # as after a crash
    reports_outbox_read()

    assert ServiceReport.objects.count() == 1


def test_the_kick_after_commit_issues_the_report(
    brand, category, technician, django_capture_on_commit_callbacks
):
    # Huey runs immediately in tests: the kick registered in apps.py calls the reader on commit.
    with django_capture_on_commit_callbacks(execute=True):
        order = completed_order(technician=technician, photos=0)

    assert ServiceReport.objects.filter(order=order).count() == 1
