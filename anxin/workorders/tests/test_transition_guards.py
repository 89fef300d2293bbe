import pytest

from anxin.core.exceptions import Conflict
from anxin.workorders import guards
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file


@pytest.fixture
def refusing_guard(monkeypatch):
    monkeypatch.setattr(guards, "_guards", guards.defaultdict(list))
    seen = []

    def guard(order, actor):
        seen.append((order.number, actor))
        raise Conflict("还缺维修后照片", code="completion_incomplete", field="photos")

    guards.transition_guard_register(Event.ACCEPT, guard)
    guards.transition_guard_register(Event.ACCEPT, guard)  # registering twice runs it once
    return seen


def test_a_registered_guard_refuses_the_transition_and_nothing_changes(
    brand, category, dispatcher, refusing_guard
):
    order = order_file()

    with pytest.raises(Conflict) as refused:
        workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)

    assert refused.value.code == "completion_incomplete" and refused.value.field == "photos"
    assert refusing_guard == [(order.number, dispatcher)]
    assert WorkOrder.objects.get(pk=order.pk).status == Status.RECEIVED
    assert WorkOrderEvent.objects.filter(order=order).count() == 1


def test_guards_of_other_events_do_not_run(brand, category, dispatcher, technician, refusing_guard):
    order = order_file()
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.ACCEPTED)
    order.refresh_from_db()

    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)

    assert refusing_guard == []
    assert order.status == Status.DISPATCHED
