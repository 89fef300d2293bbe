from __future__ import annotations

from anxin.live.calls import calls_outbox_read
from anxin.live.models import CallBinding
from anxin.live.selectors import call_number_for
from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file


def _accepted(brand, category, dispatcher, technician, phone="13800000001"):
    order = order_file(phone=phone, brand=brand.name, category=category.name)
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    return order


def test_a_binding_is_made_when_the_technician_accepts_and_released_when_the_order_ends(
    brand, category, dispatcher, technician, settings
):
    settings.ANXIN_CALL_MASKING_POOL = ["17000000001", "17000000002"]
    calls_outbox_read()  # the reader starts at the end of the timeline
    first = _accepted(brand, category, dispatcher, technician)
    second = _accepted(brand, category, dispatcher, technician, phone="13800000002")
    calls_outbox_read()
    assert call_number_for(order=first) == "17000000001"
    assert call_number_for(order=second) == "17000000002"  # one number per open binding
    binding = CallBinding.objects.get(order=first)
    assert binding.customer_phone == "13800000001"  # kept for the carrier, encrypted at rest
    workorder_transition(order=first, event=Event.CANCEL, actor=dispatcher, note="不修了")
    calls_outbox_read()
    assert call_number_for(order=first) == ""
    binding.refresh_from_db()
    assert binding.released_at is not None
    third = _accepted(brand, category, dispatcher, technician, phone="13800000003")
    calls_outbox_read()
    assert call_number_for(order=third) == "17000000001"  # released numbers go back to the pool
    calls_outbox_read()
    assert CallBinding.objects.filter(released_at__isnull=True).count() == 2  # reading again changes nothing


def test_the_customer_page_shows_the_virtual_number_never_the_technicians(
    brand, category, dispatcher, technician, client, settings
):
    settings.ANXIN_CALL_MASKING_POOL = ["17000000009"]
    technician.service_point.phone = "010-88886666"
    technician.service_point.save()
    calls_outbox_read()
    order = _accepted(brand, category, dispatcher, technician)
    calls_outbox_read()
    page = client.get(f"/track/{order.number}/?t={order.tracking_token}").content.decode()
    assert "tel:17000000009" in page and "88886666" not in page
