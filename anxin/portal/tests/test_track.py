from django.test import Client


def test_the_customer_timeline_shows_milestones_not_back_office_moves(
    brand, category, dispatcher, technician
):
    from anxin.workorders.choices import Event
    from anxin.workorders.services import workorder_transition
    from anxin.workorders.tests.factories import order_file

    order = order_file()
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    workorder_transition(order=order, event=Event.WITHDRAW, actor=dispatcher, note="改派")
    page = Client().get(f"/track/{order.number}/?t={order.tracking_token}").content.decode()
    assert 'data-event="accept"' in page
    assert 'data-event="dispatch"' not in page and 'data-event="withdraw"' not in page
