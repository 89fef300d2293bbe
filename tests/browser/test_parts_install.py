"""On his phone, a technician types the code of the part he installs on his order: a genuine, unused
code is accepted and the part shows as installed; the same code on the next unit is refused."""

from __future__ import annotations

import pytest

from anxin.parts import services
from anxin.parts.models import PartCodeAlert
from anxin.parts.tests.factories import assigned_order, make_codes, make_part

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_technician_types_a_code_it_is_accepted_and_a_reused_one_refused(
    phone_page, live_server, login, screenshot, dispatcher, technician, brand, category
):
    # Given his order, an igniter with brand codes, and two igniters in his van
    order = assigned_order(technician)
    igniter = make_part(brand, number="LC-IGN-01", serialised=True, name="点火器")
    make_codes(igniter, "LECH-7K3M-9XQ2-PA4T")
    van = services.van_of(technician=technician)
    services.stock_receive(location=van, part=igniter, quantity=2, actor=dispatcher)
    page = phone_page
    login(page, "tech", "pw-tech")

    # When he reserves one, types the code and the removed igniter's serial, and installs
    page.goto(f"{live_server.url}/parts/orders/{order.number}/")
    page.click("#order-parts form:has(#reserve-part) button[type=submit]")
    page.wait_for_selector(".reservation")
    page.fill(".reservation .code-input", "lech-7k3m-9xq2-pa4t")
    page.fill(".reservation input[name=removed_serial]", "IGN-2019-0042")
    screenshot(page, "parts-install-typed-phone")
    page.click(".reservation form:has(.code-input) button[type=submit]")

    # Then it is accepted and listed as a verified genuine part with both serials
    page.wait_for_selector("#parts-ok:has-text('防伪码验证通过')")
    assert page.text_content(".installed .new-serial") == "LECH-7K3M-9XQ2-PA4T"
    assert "IGN-2019-0042" in page.text_content(".installed")

    # When he tries the same code on a second unit
    page.click("#order-parts form:has(#reserve-part) button[type=submit]")
    page.wait_for_selector(".reservation")
    page.fill(".reservation .code-input", "LECH-7K3M-9XQ2-PA4T")
    page.click(".reservation form:has(.code-input) button[type=submit]")

    # Then it is refused, the unit stays reserved, and the brand is told
    page.wait_for_selector("#parts-error")
    assert "已被安装过" in page.text_content("#parts-error")
    assert page.is_visible(".reservation")
    screenshot(page, "parts-install-reused-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert PartCodeAlert.objects.filter(order=order, reason="part_code_used").count() == 1
