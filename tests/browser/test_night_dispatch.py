"""Issue #11's acceptance, dispatch part, in Chromium: a technician presses 下班 in the evening; the customer
files at 23:50 with a photo; nothing is offered overnight; at 08:00 the first technician on shift (the one who
signed off last night) gets the offer, accepts it, opens the navigation link and the customer's photo.

Time is controlled as in anxin/dispatch/tests/test_night_and_consistency.py: a fixed Tuesday/Wednesday in
Shanghai; here ``timezone.now`` itself is moved (the live server runs in this process), and the periodic
consistency check is run at each hour as the worker would.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from PIL import Image

from anxin.core.models import RevealLog
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchEscalation, DispatchOffer
from anxin.dispatch.services.sweep import offers_consistency_check
from anxin.dispatch.tests.factories import cover, next_wednesday_at, skilled
from anxin.network.choices import TechnicianStatus
from anxin.network.models import ServicePoint, Technician
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from tests.browser.phone_steps import navigation_opens_the_map_app, photo_opens_full_size

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "北京市朝阳区建国路88号3单元501"


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(next_wednesday_at(18, 30) - dt.timedelta(days=1))  # Tuesday 18:30
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def day_crew(settings, service_point, brand, category, technician, other_technician):
    """The point opens 08:00-18:00; both technicians work 08:00-18:00 on weekdays."""
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.3
    cover(service_point, brand, category)
    ServicePoint.objects.filter(pk=service_point.pk).update(opening_hours="08:00-18:00", open_24h=False)
    near = skilled(technician, brand, category, lat=39.921, lng=116.444)
    far = skilled(other_technician, brand, category, lat=40.05, lng=116.25)
    Technician.objects.filter(pk__in=[near.pk, far.pk]).update(
        shift_start=dt.time(8), shift_end=dt.time(18), work_days="12345", break_minutes=0
    )
    return near, far


def _photo(tmp_path) -> str:
    path = tmp_path / "fault.jpg"
    Image.new("RGB", (800, 600), (180, 30, 30)).save(path, format="JPEG")
    return str(path)


def _phone(browser, **extra):
    return browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        **extra,
    ).new_page()


def test_filed_at_2350_offered_at_0800_navigation_and_photo(
    live_server, browser, screenshot, login, clock, day_crew, tmp_path
):
    near, far = day_crew
    # Tuesday 18:30: the technician signs off on his phone
    phone = _phone(browser)
    login(phone, "tech", "pw-tech")
    phone.goto(f"{live_server.url}/dispatch/me/")
    phone.click("#status-off")
    phone.wait_for_selector("#status-off[aria-pressed=true]")
    near.refresh_from_db()
    assert near.status == TechnicianStatus.OFF

    # 23:50: the customer files a request with a photo on her phone
    clock.at = next_wednesday_at(0) - dt.timedelta(minutes=10)
    customer = _phone(browser)
    customer.goto(f"{live_server.url}/repair/")
    customer.fill("#id_phone", "13912345678")
    customer.fill("#id_name", "王芳")
    customer.select_option("#id_brand", label="乐创")
    customer.select_option("#id_category", label="消毒柜")
    customer.fill("#id_address", ADDRESS)
    customer.fill("#id_description", "消毒柜不加热")
    customer.set_input_files("#id_photo", _photo(tmp_path))
    customer.click("#repair-form button[type=submit]")
    customer.wait_for_selector("#order-number")
    number = customer.text_content("#order-number").strip()
    order = WorkOrder.objects.get(number=number)
    assert order.attachments.count() == 1 and order.service_point_id is not None

    # Overnight the worker's consistency check runs: no offer, no escalation
    back = 0
    for hour, minute in ((0, 30), (3, 0), (7, 59)):
        clock.at = next_wednesday_at(hour, minute)
        back += offers_consistency_check(now=clock.at)["back_on_duty"]
    assert back == 1  # his 下班 lapsed at midnight
    assert not DispatchOffer.objects.filter(order=order).exists()
    assert not DispatchEscalation.objects.filter(order=order).exists()

    # 08:00: the first check of the shift offers it to the nearest technician, back on duty since midnight
    clock.at = next_wednesday_at(8)
    assert offers_consistency_check(now=clock.at)["waiting_offered"] == 1
    offer = DispatchOffer.objects.get(order=order, state=OfferState.PENDING)
    assert offer.technician == near and offer.created_at == clock.at

    # His phone: the offer card says where (district, no house number), what and when
    phone.goto(f"{live_server.url}/dispatch/me/")
    card = phone.locator(f"[data-offer='{offer.pk}']")
    card.wait_for()
    assert phone.get_attribute("#status-available", "aria-pressed") == "true"
    assert "朝阳区" in card.locator(".area").text_content()
    assert "88号" not in phone.content() and "13912345678" not in phone.content()
    assert "消毒柜不加热" in card.locator(".fault").text_content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "night-phone-offer-card-375")

    # He accepts: the task card has the full address, the navigation and call links and the photo
    card.locator("button.accept").click()
    job = phone.locator(f"[data-job='{number}']")
    job.locator("[data-step='depart']").wait_for()
    assert WorkOrder.objects.get(pk=order.pk).status == Status.TECHNICIAN_ACCEPTED
    assert ADDRESS in job.locator(".address").text_content()
    assert job.locator("a.call").get_attribute("href") == "tel:4008201234"
    assert RevealLog.objects.filter(actor=near.user, subject_id=number, field="service_address").count() == 1
    job.locator(".photos img").first.wait_for()
    phone.wait_for_function(
        "sel => document.querySelector(sel).complete && document.querySelector(sel).naturalWidth > 0",
        arg=f"[data-job='{number}'] .photos img",
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "night-phone-task-card-375")

    # The navigation link opens the map app; the photo opens for him (full size), not for the other technician
    navigation_opens_the_map_app(job, address=ADDRESS)
    photo = photo_opens_full_size(job, number=number)
    other = _phone(browser)
    login(other, "tech2", "pw-tech2")
    assert other.goto(photo.url).status == 404

    # The same page on a wide screen
    phone.set_viewport_size({"width": 1280, "height": 900})
    assert phone.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(phone, "night-phone-task-card-1280")
