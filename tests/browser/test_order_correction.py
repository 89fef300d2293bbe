"""An agent opens a flagged order (address not resolvable), corrects the address, saves, and sees it dispatched:
the save's own outbox kick offers it at once (on PostgreSQL too, whatever other databases of the server run)."""

from __future__ import annotations

import pytest

from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.services import dispatch_sweep
from anxin.dispatch.tests.factories import cover, skilled
from anxin.workorders.choices import AttentionReason, Status
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_agent_fixes_a_flagged_address_and_the_order_is_dispatched(
    viewport,
    request,
    settings,
    live_server,
    screenshot,
    login,
    agent,
    service_point,
    brand,
    category,
    technician,
):
    # Given a technician on shift around the clock at a point covering 朝阳区, and an order whose
    # address intake could not resolve
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.3
    cover(service_point, brand, category)
    tech = skilled(technician, brand, category, lat=39.921, lng=116.444)
    tech.work_days, tech.shift_start, tech.shift_end, tech.break_minutes = "1234567", "00:00", "23:59", 0
    tech.save()
    dispatch_sweep()  # the worker has run before (its outbox cursor exists)
    order = order_file(address="我家楼下那个小区")
    assert AttentionReason.ADDRESS_UNRESOLVED in order.attention
    page = request.getfixturevalue(f"{viewport}_page")
    login(page, "agent", "pw-agent")

    # When the agent opens it, the correction form is open (the order is flagged)
    page.goto(f"{live_server.url}/orders/{order.number}/")
    page.wait_for_selector('[data-attention="address_unresolved"]')
    assert page.is_visible("#correct-form")
    page.fill("#c-address", "北京市朝阳区建国路88号")
    screenshot(page, f"order-correction-form-{viewport}")
    page.click("#correct-form button[type=submit]")

    # Then the flag is gone, the order is dispatched, and the timeline shows the masked change
    page.wait_for_selector("#order-status")
    assert not page.query_selector('[data-attention="address_unresolved"]')
    assert page.text_content("#order-status").strip() == "已派单"
    assert "北京朝阳网点" in page.text_content("#service-point")
    change = page.text_content('#timeline [data-field="service_address"]')
    assert "建国路88号" not in change and "小区" not in change
    screenshot(page, f"order-correction-dispatched-{viewport}")
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED and DispatchOffer.objects.get(order=order).technician == tech
