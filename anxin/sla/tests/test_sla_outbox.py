"""sla reacts to the work-order timeline through its own cursor; workorders never calls it."""

import ast
import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone

import anxin.workorders
from anxin.core.models import OutboxCursor
from anxin.sla.choices import PauseReason, SlaKind, SlaState
from anxin.sla.models import SlaClock
from anxin.sla.services import OUTBOX, sla_outbox_read, sla_pause, sla_resume, sla_sweep
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrderEvent
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file

T0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def at(minutes: float):
    return mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(minutes=minutes))


def confirm_clock(order) -> SlaClock:
    return SlaClock.objects.get(order=order, kind=SlaKind.TECHNICIAN_CONFIRMED)


@pytest.mark.parametrize("module", ["services", "selectors", "models", "choices", "statemachine"])
def test_the_work_order_core_imports_nothing_from_sla(module):
    tree = ast.parse((Path(anxin.workorders.__file__).parent / f"{module}.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {name for name in imported if name == "anxin.sla" or name.startswith("anxin.sla.")}


def test_clocks_start_when_the_created_event_is_read_at_the_time_it_was_recorded(brand, category):
    with at(0):
        order = order_file()
    assert not SlaClock.objects.filter(order=order).exists()  # intake no longer starts them itself

    with at(7):  # the worker reads the outbox a few minutes later
        assert sla_outbox_read() >= 1

    confirm = confirm_clock(order)
    assert confirm.started_at == order.created_at == T0
    assert confirm.due_at == T0 + dt.timedelta(minutes=30)
    assert OutboxCursor.objects.get(name=OUTBOX).last_event_id == WorkOrderEvent.objects.latest("id").id


def test_each_event_is_applied_once_however_often_the_reader_runs(brand, category, dispatcher):
    order = order_file()
    sla_outbox_read()
    started = confirm_clock(order).started_at
    workorder_transition(order=order, event=Event.CANCEL, actor=dispatcher)
    assert sla_outbox_read() == 1
    assert sla_outbox_read() == 0
    cancelled = confirm_clock(order)
    assert cancelled.state == SlaState.CANCELLED and cancelled.started_at == started


def test_an_acceptance_read_after_the_sweep_flagged_a_breach_still_keeps_the_promise(
    brand, category, dispatcher, technician
):
    with at(0):
        order = order_file()
        sla_outbox_read()
    with at(20):  # recorded in time, but the worker has not read it yet
        workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
        workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
        workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    sla_sweep(now=T0 + dt.timedelta(minutes=31))
    assert confirm_clock(order).state == SlaState.BREACHED

    sla_outbox_read()

    kept = confirm_clock(order)
    assert kept.state == SlaState.MET and kept.finished_at == T0 + dt.timedelta(minutes=20)


def test_a_clock_read_late_counts_a_pause_taken_after_its_event(brand, category, dispatcher):
    with at(0):
        order = order_file()
    sla_pause(
        order=order, reason=PauseReason.WAITING_PARTS, actor=dispatcher, at=T0 + dt.timedelta(minutes=5)
    )
    sla_outbox_read()
    assert confirm_clock(order).state == SlaState.PAUSED

    sla_resume(order=order, actor=dispatcher, at=T0 + dt.timedelta(minutes=15))

    resumed = confirm_clock(order)
    assert resumed.state == SlaState.RUNNING
    assert resumed.due_at == T0 + dt.timedelta(minutes=30 + 10)


def test_a_reopening_read_twice_does_not_restart_the_new_confirmation_clock(brand, category, dispatcher):
    order = order_file()
    sla_outbox_read()
    for event in (Event.CANCEL, Event.REOPEN):
        workorder_transition(order=order, event=event, actor=dispatcher)
    sla_outbox_read()
    fresh = confirm_clock(order)
    assert fresh.state == SlaState.RUNNING
    OutboxCursor.objects.filter(name=OUTBOX).update(last_txid=0, last_event_id=0)  # e.g. the row was lost

    sla_outbox_read()

    assert confirm_clock(order).pk == fresh.pk and confirm_clock(order).state == SlaState.RUNNING
    assert timezone.is_aware(fresh.started_at)
