from __future__ import annotations

import pytest

from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file


@pytest.fixture
def en_route_order(db, brand, category, dispatcher, technician):
    """An order of ``technician``'s on its way: accepted, dispatched, accepted by him, departed."""
    order = order_file(brand=brand.name, category=category.name)
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    workorder_transition(order=order, event=Event.DEPART, actor=technician.user)
    order.refresh_from_db()
    return order
