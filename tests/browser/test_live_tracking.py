"""Live tracking end to end over the ASGI server (issue #13): the technician, on his phone, sets off and
shares his position twice; the customer's tracking page, never reloaded, shows his status, the marker
moving and the ETA changing as the WebSocket messages arrive; a wrong arrival code is refused, the
customer's code moves the order to on site, and the customer's page follows."""

from __future__ import annotations

import time

import pytest

from anxin.live.models import ArrivalCode, Position
from anxin.live.services import arrival_code_for
from anxin.network.models import Technician
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file
from tests.browser.asgi_server import asgi_live_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

FAR = {"latitude": 40.05, "longitude": 116.25}  # ~25 km north-west of the order (Chaoyang, Jianguo Road)
NEAR = {"latitude": 39.95, "longitude": 116.40}  # ~5 km away


def _login(page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _share_location(phone, technician, where: dict[str, float]) -> None:
    phone.context.set_geolocation(where)
    phone.evaluate("document.getElementById('location-state').textContent = ''")
    phone.click("#share-location")
    # The page answers; a live refresh of #me meanwhile shows the server's "上次定位" line instead
    phone.wait_for_function(
        "() => /位置已共享|上次定位|失败|无法/.test(document.getElementById('location-state')?.textContent || '')"
    )
    answer = phone.text_content("#location-state")
    assert "失败" not in answer and "无法" not in answer, answer
    deadline = time.monotonic() + 10
    while Technician.objects.get(pk=technician.pk).last_latitude != where["latitude"]:
        assert time.monotonic() < deadline, "the shared position did not reach the server"
        time.sleep(0.1)


def _marker_path(customer) -> str:
    return customer.get_attribute("#order-map path.anxin-marker--technician", "d") or ""


@pytest.fixture
def accepted_order(brand, category, dispatcher, technician, settings):
    settings.ANXIN_LIVE_POSITION_MIN_INTERVAL_S = 0  # the test shares twice within seconds
    order = order_file(brand=brand.name, category=category.name)
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    workorder_transition(order=order, event=Event.TECHNICIAN_ACCEPT, actor=technician.user)
    order.refresh_from_db()
    return order


def test_the_customer_watches_the_technician_come_and_the_arrival_code_lets_him_in(
    asgi_live_server,  # noqa: F811
    browser,
    screenshot,
    accepted_order,
    technician,
):
    url, number = asgi_live_server.url, accepted_order.number
    code = arrival_code_for(order=accepted_order).code
    wrong = f"{(int(code) + 1) % 10000:04d}"

    # The customer opens her tracking link (desktop-sized here) and the page subscribes
    customer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    customer.goto(f"{url}/track/{number}/?t={accepted_order.tracking_token}")
    customer.wait_for_selector("#live-panel[data-live-connected='1']")
    customer.evaluate("window.notReloaded = true")  # gone if the page were reloaded
    assert customer.text_content("#arrival-code").strip() == code
    assert customer.is_hidden("#live-eta")

    # The technician, on his phone, sets off
    phone_context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation=FAR,
        permissions=["geolocation"],
    )
    phone = phone_context.new_page()
    _login(phone, url, "tech", "pw-tech")
    phone.goto(f"{url}/dispatch/me/")
    phone.click(f"[data-job='{number}'] [data-step='depart']")
    phone.wait_for_selector(f"[data-job='{number}'] [data-step='arrive']")
    customer.wait_for_function(
        "label => document.getElementById('order-status').textContent.trim() === label",
        arg=str(Status.EN_ROUTE.label),
    )

    # He shares his position far away: the marker appears and the ETA shows, without reload
    _share_location(phone, technician, FAR)
    customer.wait_for_selector("#live-eta:not([hidden])")
    customer.wait_for_selector("#order-map path.anxin-marker--technician")
    far_eta = int(customer.text_content("#live-eta-minutes"))
    far_marker = _marker_path(customer)
    screenshot(customer, "live-tracking-customer-far")

    # Closer: the marker moves and the ETA drops
    _share_location(phone, technician, NEAR)
    customer.wait_for_function(
        "before => document.querySelector('#order-map path.anxin-marker--technician')?.getAttribute('d') !== before",
        arg=far_marker,
    )
    customer.wait_for_function(
        "before => Number(document.getElementById('live-eta-minutes').textContent) < before", arg=far_eta
    )
    near_eta = int(customer.text_content("#live-eta-minutes"))
    assert 0 < near_eta < far_eta
    assert Position.objects.filter(order=accepted_order).count() == 2
    screenshot(customer, "live-tracking-customer-near")
    screenshot(phone, "live-tracking-phone-en-route")

    # At the door: a wrong code is refused and counted, the order stays en route
    phone.fill(f"#arrival-code-{number}", wrong)
    phone.click(f"[data-job='{number}'] [data-step='arrive']")
    phone.wait_for_selector("text=到场验证码不正确")
    assert WorkOrder.objects.get(pk=accepted_order.pk).status == Status.EN_ROUTE
    assert ArrivalCode.objects.get(order=accepted_order).failed_attempts == 1

    # The customer's code: on site, and her page says so by itself
    phone.fill(f"#arrival-code-{number}", code)
    phone.click(f"[data-job='{number}'] [data-step='arrive']")
    phone.wait_for_selector("text=已核验到场验证码")
    assert WorkOrder.objects.get(pk=accepted_order.pk).status == Status.ON_SITE
    customer.wait_for_function(
        "label => document.getElementById('order-status').textContent.trim() === label",
        arg=str(Status.ON_SITE.label),
    )
    assert customer.is_hidden("#live-eta") and customer.is_hidden("#arrival-code-box")
    assert customer.evaluate("window.notReloaded === true")
    screenshot(customer, "live-tracking-customer-on-site")
    phone_context.close()
    customer.context.close()
