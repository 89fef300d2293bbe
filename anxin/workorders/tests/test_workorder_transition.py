import pytest

from anxin.core.exceptions import Conflict, PermissionDenied
from anxin.live.tests.helpers import transition
from anxin.pricing.services import quote_answer
from anxin.testing.visits import visit_diagnose, visit_finish, visit_quote_approve, visit_quote_send
from anxin.workorders.choices import TRANSITION_EVENTS, Event, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.services import workorder_transition
from anxin.workorders.statemachine import TRANSITIONS, next_status
from anxin.workorders.tests.factories import order_file

HAPPY_PATH = [
    (Event.ACCEPT, Status.ACCEPTED),
    (Event.DISPATCH, Status.DISPATCHED),
    (Event.TECHNICIAN_ACCEPT, Status.TECHNICIAN_ACCEPTED),
    (Event.DEPART, Status.EN_ROUTE),
    (Event.ARRIVE, Status.ON_SITE),
    (Event.DIAGNOSE, Status.DIAGNOSED),
    (Event.REQUEST_APPROVAL, Status.AWAITING_APPROVAL),
    (Event.START_REPAIR, Status.IN_REPAIR),
    (Event.COMPLETE, Status.COMPLETED),
    (Event.FOLLOW_UP, Status.FOLLOWED_UP),
    (Event.CLOSE, Status.CLOSED),
    (Event.REOPEN, Status.REOPENED),
]


@pytest.fixture
def order(brand, category):
    return order_file()


def test_an_order_walks_the_whole_process_and_every_step_is_on_the_timeline(order, dispatcher, technician):
    # From diagnosis to completion the technician records the visit (completion is guarded by it):
    # diagnosis → DIAGNOSE, quote sent → REQUEST_APPROVAL, signed approval → START_REPAIR, sign-off → COMPLETE.
    tech = technician.user
    quote = None
    for event, expected in HAPPY_PATH:
        if event == Event.DIAGNOSE:
            visit_diagnose(order=order, actor=tech, paid=True)
        elif event == Event.REQUEST_APPROVAL:
            quote = visit_quote_send(order=order, actor=tech, paid=True)
        elif event == Event.START_REPAIR:
            assert quote is not None
            visit_quote_approve(quote=quote, actor=tech)
        elif event == Event.COMPLETE:
            order.refresh_from_db()
            visit_finish(order=order, actor=tech)
        else:
            transition(  # ARRIVE with the customer's code, as on the phone
                order=order,
                event=event,
                actor=dispatcher,
                technician=technician if event == Event.DISPATCH else None,
            )
        order.refresh_from_db()
        assert order.status == expected
    steps = list(WorkOrderEvent.objects.filter(order=order).values_list("event", "from_status", "to_status"))
    assert steps[0] == ("created", "", Status.RECEIVED)
    assert [s[0] for s in steps[1:]] == [e.value for e, _ in HAPPY_PATH]
    assert all(s[1] and s[2] for s in steps[1:])


@pytest.mark.parametrize("status", list(Status))
def test_every_event_the_machine_lacks_is_refused_with_a_clear_error(order, admin_user, status):
    WorkOrder.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    for event in TRANSITION_EVENTS:
        if next_status(status, event) is not None:
            continue
        with pytest.raises(Conflict) as refused:
            workorder_transition(order=order, event=event, actor=admin_user)
        assert refused.value.code == "illegal_transition"
        assert f"「{event.label}」" in refused.value.detail and f"「{status.label}」" in refused.value.detail
    assert WorkOrderEvent.objects.filter(order=order).count() == 1  # only "created": nothing was recorded


def test_the_table_reaches_every_status():
    reached = {str(t["dest"]) for t in TRANSITIONS}
    assert reached | {Status.RECEIVED} == set(Status.values)


def test_an_unknown_event_is_refused(order, dispatcher):
    with pytest.raises(Conflict) as refused:
        workorder_transition(order=order, event="teleport", actor=dispatcher)
    assert refused.value.code == "unknown_event"


def test_a_role_cannot_fire_events_outside_its_job(order, agent, brand_staff):
    with pytest.raises(PermissionDenied):
        workorder_transition(order=order, event=Event.ACCEPT, actor=brand_staff)
    workorder_transition(order=order, event=Event.ACCEPT, actor=agent)
    with pytest.raises(PermissionDenied):
        workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=agent)


def test_only_the_assigned_technician_works_the_order(order, dispatcher, technician, other_technician):
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    with pytest.raises(PermissionDenied):
        workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=other_technician.user)
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    assert order.status == Status.TECHNICIAN_ACCEPTED


def test_dispatch_needs_a_technician(order, dispatcher):
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    with pytest.raises(Conflict) as refused:
        workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher)
    assert refused.value.field == "technician"


def test_a_declined_dispatch_goes_back_to_the_pool(order, dispatcher, technician):
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    workorder_transition(
        order=order, event=Event.TECHNICIAN_DECLINE, actor=technician.user, note="不在服务区"
    )
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED and order.technician is None


def test_a_stale_copy_cannot_overwrite_a_concurrent_transition(order, dispatcher):
    stale = WorkOrder.objects.get(pk=order.pk)
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    with pytest.raises(Conflict) as refused:
        workorder_transition(order=stale, event=Event.CANCEL, actor=dispatcher)
    assert refused.value.code == "concurrent_update"
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_timeline_events_are_immutable(order):
    event = WorkOrderEvent.objects.filter(order=order).first()
    assert event is not None
    event.note = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_a_declined_quote_completes_only_with_a_note_and_the_decline_recorded(order, dispatcher, technician):
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.ON_SITE, technician=technician)
    order.refresh_from_db()
    visit_diagnose(order=order, actor=technician.user, paid=True)
    quote = visit_quote_send(order=order, actor=technician.user, paid=True)
    order.refresh_from_db()
    with pytest.raises(Conflict) as no_note:
        workorder_transition(order=order, event=Event.COMPLETE, actor=dispatcher)
    assert no_note.value.code == "note_required"
    with pytest.raises(Conflict) as no_decline:  # a note is not the customer's answer
        workorder_transition(order=order, event=Event.COMPLETE, actor=dispatcher, note="客户不接受报价")
    assert no_decline.value.field == "decline"
    quote_answer(
        quote=quote, decision="declined", method="on_site", revision=quote.revision, actor=technician.user,
        note="客户不接受报价",
    )  # fmt: skip
    order.refresh_from_db()
    assert order.status == Status.COMPLETED
