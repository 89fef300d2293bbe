"""The digital badge end to end on phones: the technician opens his badge, the QR code rotates, and the
customer's phone opens what the QR code holds at /verify/ and sees "valid", the order number and the photo.
A customer of another order who opened /verify/ from their own order page is told it is not their order.

The QR code's URL is read from the badge's ``data-verify-path`` (the same string the SVG encodes)."""

from __future__ import annotations

import pytest

from anxin.trust.services import badge_photo_set
from anxin.trust.tests.factories import order_on_the_way, png_bytes
from anxin.workorders.presenters import order_link_path

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _image_loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_a_customer_scans_the_technicians_badge_and_sees_it_is_valid(
    live_server, browser, phone_page, login, screenshot, technician, settings
):
    settings.ANXIN_BADGE_ROTATE_S = 2  # rotate fast enough to watch
    order = order_on_the_way(technician=technician, phone="13800000021")
    other_order = order_on_the_way(technician=technician, phone="13800000022", status="technician_accepted")
    badge_photo_set(actor=technician.user, technician=technician, data=png_bytes((240, 300), "teal"))

    # The technician opens his badge from the tab bar
    tech = phone_page
    login(tech, "tech", "pw-tech")
    tech.click("#nav-badge")
    tech.wait_for_selector("#badge-qr svg")
    assert order.number in tech.text_content("#badge-order")
    assert _image_loaded(tech, "#badge-photo")
    assert tech.evaluate("document.documentElement.scrollWidth") <= 375
    first = tech.get_attribute("#badge-qr", "data-verify-path")
    tech.wait_for_function(
        "old => document.getElementById('badge-qr').dataset.verifyPath !== old", arg=first, timeout=15000
    )
    path = tech.get_attribute("#badge-qr", "data-verify-path")
    assert path != first and path.startswith("/verify/?t=")
    tech.wait_for_function("document.getElementById('badge-countdown').textContent.includes('剩余')")
    screenshot(tech, "badge-technician-phone")

    # The customer of that order comes from their order page, then opens the QR code's link
    customer_context = browser.new_context(**PHONE, locale="zh-CN")
    customer = customer_context.new_page()
    customer.goto(live_server.url + order_link_path(order))
    customer.click("#verify-technician")
    customer.wait_for_selector("#badge-howto")
    customer.goto(live_server.url + path)
    result = customer.locator("#badge-result")
    assert result.get_attribute("data-status") == "valid"
    assert order.number in customer.text_content("#badge-order")
    assert "T1001" in customer.text_content("#badge-employee-no")
    assert _image_loaded(customer, "#badge-photo")
    screenshot(customer, "badge-customer-valid")
    customer_context.close()

    # Someone waiting for another order is told plainly that this badge is not for them
    neighbour_context = browser.new_context(**PHONE, locale="zh-CN")
    neighbour = neighbour_context.new_page()
    neighbour.goto(live_server.url + order_link_path(other_order))
    neighbour.click("#verify-technician")
    neighbour.goto(live_server.url + path)
    assert neighbour.get_attribute("#badge-result", "data-status") == "other_order"
    assert other_order.number in neighbour.text_content("#badge-result")
    screenshot(neighbour, "badge-customer-other-order")
    neighbour_context.close()

    # A tampered link says so, without the technician's face
    stranger_context = browser.new_context(**PHONE, locale="zh-CN")
    stranger = stranger_context.new_page()
    stranger.goto(live_server.url + path[:-4] + "AAAA")
    assert stranger.get_attribute("#badge-result", "data-status") == "forged"
    assert stranger.locator("#badge-photo").count() == 0
    stranger_context.close()
