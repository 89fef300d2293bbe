"""Dispatch end to end: the board shows a new order with its SLA clock and suggestion, the dispatcher
reassigns it (select + button, then drag and drop), the technician accepts on his phone, and the customer
books a window and sees the confirmed technician."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.tests.factories import cover, skilled
from anxin.network.models import Technician
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=True)


def _always_on(tech: Technician) -> Technician:
    tech.work_days, tech.shift_start, tech.shift_end, tech.break_minutes = "1234567", "00:00", "23:59", 0
    tech.save()
    return tech


@pytest.fixture
def crew(settings, service_point, brand, category, technician, other_technician):
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.3
    cover(service_point, brand, category)
    near = _always_on(skilled(technician, brand, category, lat=39.921, lng=116.444))
    far = _always_on(skilled(other_technician, brand, category, lat=40.05, lng=116.25))
    return near, far


def test_a_new_order_is_offered_reassigned_accepted_and_booked(
    live_server, browser, desktop_page, screenshot, login, dispatcher, crew, service_point
):
    near, far = crew
    board = desktop_page
    login(board, "dispatcher", "pw-dispatcher")
    board.click("#nav-board")
    board.wait_for_selector("#board")
    assert board.locator("#no-orders").count() == 1

    # A customer files a request on her phone
    customer = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN"
    ).new_page()
    customer.goto(f"{live_server.url}/repair/")
    customer.fill("#id_phone", "13912345678")
    customer.fill("#id_name", "王芳")
    customer.select_option("#id_brand", label="乐创")
    customer.select_option("#id_category", label="消毒柜")
    customer.fill("#id_address", "北京市朝阳区建国路88号")
    customer.fill("#id_description", "消毒柜不加热")
    customer.click("#repair-form button[type=submit]")
    customer.wait_for_selector("#order-number")
    number = customer.text_content("#order-number").strip()
    tracking_url = customer.url

    # It appears on the board by itself (polling), with the confirmation clock and the engine's pick
    card = f"#order-{number}"
    board.wait_for_selector(card, timeout=20_000)
    assert re.fullmatch(r"-?\d+:\d\d", board.text_content(f"{card} .sla-left").strip())
    assert near.employee_no in board.text_content(f"{card} .suggestion")
    board.wait_for_selector("#dispatch-map[data-outlines-drawn]")
    assert (
        board.locator(f"#lane-{near.employee_no}").count() == 1
        and board.locator("#dispatch-map path.anxin-marker--technician").count() == 2
    )
    screenshot(board, "dispatch-board-new-order")

    # Reassign with the keyboard-accessible select + button …
    board.select_option(f"#tech-{number}", far.employee_no)
    board.click(f"{card} button[type=submit]")
    board.wait_for_function(
        "([sel, no]) => document.querySelector(sel + ' .suggestion')?.textContent.includes(no)",
        arg=[card, far.employee_no],
    )
    assert DispatchOffer.objects.get(state=OfferState.PENDING).technician == far
    assert board.locator(f"#lane-{far.employee_no} [data-stop='{number}']").count() == 1

    # … and back by dragging the card onto the other technician's lane
    board.drag_and_drop(card, f"#lane-{near.employee_no}")
    board.wait_for_function(
        "([sel, no]) => document.querySelector(sel + ' .suggestion')?.textContent.includes(no)",
        arg=[card, near.employee_no],
    )
    pending = DispatchOffer.objects.get(state=OfferState.PENDING)
    assert pending.technician == near and pending.offered_by == dispatcher
    assert board.locator(f"#lane-{near.employee_no} [data-stop='{number}']").count() == 1
    screenshot(board, "dispatch-board-after-drag")

    # The technician accepts on his phone and shares his location
    phone = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": 39.93, "longitude": 116.45},
        permissions=["geolocation"],
    ).new_page()
    login(phone, "tech", "pw-tech")
    phone.click("#nav-me")
    phone.wait_for_selector(f"[data-offer='{pending.pk}']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "dispatch-phone-offer")
    phone.click(f"[data-offer='{pending.pk}'] button.accept")
    phone.wait_for_selector(f"[data-job='{number}'] [data-step='depart']")
    phone.click("#share-location")
    phone.wait_for_function("document.getElementById('location-state').textContent.includes('位置已共享')")
    near.refresh_from_db()
    assert (near.last_latitude, near.last_longitude) == (39.93, 116.45)
    screenshot(phone, "dispatch-phone-accepted")
    assert WorkOrder.objects.get(number=number).status == Status.TECHNICIAN_ACCEPTED

    # The customer sees the confirmed technician and books a window the plan can keep
    customer.goto(tracking_url)
    assert str(near.user) in customer.text_content("#confirmed-technician")
    assert near.employee_no in customer.text_content("#confirmed-technician")
    customer.click("#choose-slot")
    customer.wait_for_selector("#slot-form")
    first = customer.locator("input[name=start]").first
    label = first.locator("xpath=..").text_content().strip()
    first.check()
    customer.click("#slot-form button[type=submit]")
    customer.wait_for_selector("#appointment")
    window = customer.text_content("#appointment")
    assert label.replace("–", "") in window.replace("–", "")
    screenshot(customer, "dispatch-customer-tracking")
    order = WorkOrder.objects.get(number=number)
    assert order.appointment_start is not None and order.technician == near

    # And the dispatcher's board no longer lists it as waiting
    board.reload()
    board.wait_for_selector("#board")
    assert board.locator(card).count() == 0
    if (
        timezone.localdate(order.appointment_start) == timezone.localdate()
    ):  # after hours: first slot tomorrow
        assert board.locator(f"#lane-{near.employee_no} [data-stop='{number}']").count() == 1
