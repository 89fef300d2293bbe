"""Issue #11's acceptance in Chromium: one day replayed as the roles live it.

Tuesday 23:50 a customer files on her phone with a photo and another files with an address nobody can
place; nothing is offered overnight; at 08:00 the first technician on shift gets the offer, the agent
corrects the flagged order's address and it is dispatched; the technician accepts, sets off, arrives,
records the visit and has the customer sign the completion on his phone, opening the navigation link and the customer's photo on the way; the customer
reads every milestone in the demo SMS provider's log (the file sink) with her tracking link, none sent
during quiet hours. The second order is finished at 21:20 that evening: its "completed" text waits for
Thursday 08:00.

Time is moved as in test_night_dispatch.py: ``timezone.now`` itself (the live server runs in this
process), with the worker's periodic jobs (consistency check, job sweeper) called at the hours it would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchEscalation, DispatchOffer
from anxin.dispatch.services import dispatch_sweep
from anxin.dispatch.services.sweep import offers_consistency_check
from anxin.dispatch.tests.factories import cover, next_wednesday_at, skilled
from anxin.intake.milestones import milestones_read
from anxin.live.services import arrival_code_for
from anxin.network.models import ServicePoint, Technician
from anxin.notifications.jobs import jobs_sweep
from anxin.notifications.models import Notification
from anxin.testing.visits import photo_jpeg, visit_diagnose, visit_price
from anxin.visits.services import photo_add
from anxin.workorders.choices import AttentionReason, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.presenters import tracking_url
from tests.browser.phone_steps import navigation_opens_the_map_app, photo_opens_full_size
from tests.browser.test_quote_signature import _draw as draw_signature

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "北京市朝阳区建国路88号3单元501"
VAGUE_ADDRESS = "我家楼下那个小区"
FIXED_ADDRESS = "北京市朝阳区光华路9号2单元302"
MILESTONES = ["accepted", "en_route", "arrived", "completed"]


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(next_wednesday_at(0) - dt.timedelta(minutes=15))  # Tuesday 23:45
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def sms_sink(settings, monkeypatch, tmp_path) -> Path:
    """The demo provider's log: every text the customers were sent, one line each."""
    sink = tmp_path / "sms.log"
    settings.ANXIN_SMS_PROVIDER = "anxin.notifications.providers.FileSinkSmsProvider"
    monkeypatch.setenv("ANXIN_SMS_SINK_FILE", str(sink))
    monkeypatch.delenv("ANXIN_SMS_FAIL_FLAG", raising=False)
    return sink


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


def _texts(sink: Path) -> list[tuple[str, str]]:
    """(kind, text) per line of the sink, in the order they were sent."""
    if not sink.exists():
        return []
    lines = [line.split("\t", 2) for line in sink.read_text(encoding="utf-8").splitlines()]
    return [(reference.split(":", 1)[1], text) for reference, _phone, text in lines]


def _about(sink: Path, number: str) -> list[str]:
    return [kind for kind, text in _texts(sink) if number in text]


def _photo(tmp_path) -> str:
    path = tmp_path / "fault.jpg"
    Image.new("RGB", (800, 600), (180, 30, 30)).save(path, format="JPEG")
    return str(path)


def _phone(browser):
    return browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    ).new_page()


def _file(page, url: str, *, phone: str, name: str, address: str, fault: str, photo: str = "") -> WorkOrder:
    page.goto(f"{url}/repair/")
    page.fill("#id_phone", phone)
    page.fill("#id_name", name)
    page.select_option("#id_brand", label="乐创")
    page.select_option("#id_category", label="消毒柜")
    page.fill("#id_address", address)
    page.fill("#id_description", fault)
    if photo:
        page.set_input_files("#id_photo", photo)
    page.click("#repair-form button[type=submit]")
    page.wait_for_selector("#order-number")
    return WorkOrder.objects.get(number=page.text_content("#order-number").strip())


def _step(phone, number: str, event: str) -> None:
    """Press one visit-step button on the job's card and wait for the swapped card (arriving takes the
    code the customer tells the technician at the door)."""
    if event == "arrive":
        code = arrival_code_for(order=WorkOrder.objects.get(number=number)).code
        phone.fill(f"#arrival-code-{number}", code)
    phone.locator(f"[data-job='{number}'] [data-step='{event}']").click()
    phone.wait_for_function(
        "([n, e]) => !document.querySelector(`[data-job='${n}'] [data-step='${e}']`)", arg=[number, event]
    )


def _visit_until_signoff(order, clock, *, diagnose_at, repair_at, after_at) -> None:
    """The visit as the technician's phone records it, through the services, at the given times."""
    order.refresh_from_db()
    tech = order.technician.user
    clock.at = next_wednesday_at(*diagnose_at)
    order = visit_diagnose(order=order, actor=tech)
    clock.at = next_wednesday_at(*repair_at)
    order = visit_price(order=order, actor=tech)  # in warranty: the repair starts at once
    clock.at = next_wednesday_at(*after_at)
    photo_add(actor=tech, order=order, role="after", data=photo_jpeg(), filename="after.jpg")


def _sign_off(phone, base_url: str, number: str) -> None:
    """The customer signs the completion on the technician's phone; he confirms it."""
    phone.goto(f"{base_url}/visits/{number}/complete/")
    phone.locator("#complete-form canvas").scroll_into_view_if_needed()
    draw_signature(phone, "#complete-form canvas")
    phone.click("#complete-submit")
    phone.wait_for_selector("#signoff-done")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_day_replayed_as_the_roles_would(
    live_server, browser, screenshot, login, settings, clock, sms_sink, day_crew, agent, tmp_path
):
    near, far = day_crew
    settings.ANXIN_PUBLIC_URL = live_server.url  # the links in the texts open on this server
    # The worker has run before: its outbox cursors exist (a new reader starts at the end of the timeline).
    dispatch_sweep()
    milestones_read()

    # Tuesday 23:50: a customer files on her phone with a photo; 23:55 another gives an address nobody can place
    clock.at = next_wednesday_at(0) - dt.timedelta(minutes=10)
    customer = _phone(browser)
    order = _file(
        customer,
        live_server.url,
        phone="13912345678",
        name="王芳",
        address=ADDRESS,
        fault="消毒柜不加热",
        photo=_photo(tmp_path),
    )
    _fits(customer)
    screenshot(customer, "day-2350-customer-filed-375")
    assert order.attachments.count() == 1 and order.service_point_id is not None
    clock.at = next_wednesday_at(0) - dt.timedelta(minutes=5)
    neighbour = _phone(browser)
    flagged = _file(
        neighbour, live_server.url, phone="13787654321", name="李强", address=VAGUE_ADDRESS, fault="不消毒"
    )
    assert AttentionReason.ADDRESS_UNRESOLVED in flagged.attention

    # Overnight the worker runs its checks: no offer, no escalation, and no text but the two receipts
    for hour, minute in ((0, 30), (3, 0), (7, 59)):
        clock.at = next_wednesday_at(hour, minute)
        offers_consistency_check(now=clock.at)
        jobs_sweep(now=clock.at)
    both = [order.pk, flagged.pk]
    assert not DispatchOffer.objects.filter(order__in=both).exists()
    assert not DispatchEscalation.objects.filter(order__in=both).exists()
    assert [kind for kind, _ in _texts(sms_sink)] == ["ack", "ack"]
    tech_phone = _phone(browser)
    login(tech_phone, "tech", "pw-tech")
    tech_phone.goto(f"{live_server.url}/dispatch/me/")
    assert tech_phone.locator("#offers .offer").count() == 0
    screenshot(tech_phone, "day-0759-technician-nothing-overnight-375")

    # 08:00: the first check of the shift offers the order to the nearest technician on shift
    clock.at = next_wednesday_at(8)
    offers_consistency_check(now=clock.at)
    offer = DispatchOffer.objects.get(order=order, state=OfferState.PENDING)
    assert offer.technician == near and offer.created_at == clock.at
    assert not DispatchOffer.objects.filter(order=flagged).exists()  # still waiting for its address
    tech_phone.goto(f"{live_server.url}/dispatch/me/")
    card = tech_phone.locator(f"[data-offer='{offer.pk}']")
    card.wait_for()
    assert "朝阳区" in card.locator(".area").text_content() and "88号" not in tech_phone.content()
    _fits(tech_phone)
    screenshot(tech_phone, "day-0800-technician-offer-375")

    # 08:03: he accepts; the task card has the full address, the navigation link and the photo
    clock.at = next_wednesday_at(8, 3)
    card.locator("button.accept").click()
    job = tech_phone.locator(f"[data-job='{order.number}']")
    job.locator("[data-step='depart']").wait_for()
    assert ADDRESS in job.locator(".address").text_content()
    tech_phone.wait_for_function(
        "sel => document.querySelector(sel).complete && document.querySelector(sel).naturalWidth > 0",
        arg=f"[data-job='{order.number}'] .photos img",
    )
    _fits(tech_phone)
    screenshot(tech_phone, "day-0803-technician-accepted-375")

    # The navigation link opens the map app; the customer's photo opens full size
    navigation_opens_the_map_app(job, address=ADDRESS)
    photo = photo_opens_full_size(job, number=order.number)
    screenshot(photo, "day-0803-technician-photo-375")
    photo.close()

    # 08:05: the agent opens the flagged order, corrects the address, and it is dispatched
    clock.at = next_wednesday_at(8, 5)
    agent_page = _phone(browser)
    login(agent_page, "agent", "pw-agent")
    agent_page.goto(f"{live_server.url}/orders/{flagged.number}/")
    agent_page.wait_for_selector('[data-attention="address_unresolved"]')
    agent_page.fill("#c-address", FIXED_ADDRESS)
    screenshot(agent_page, "day-0805-agent-corrects-address-375")
    agent_page.click("#correct-form button[type=submit]")
    agent_page.wait_for_selector("#order-status")
    assert not agent_page.query_selector('[data-attention="address_unresolved"]')
    assert agent_page.text_content("#order-status").strip() == "已派单"
    _fits(agent_page)
    screenshot(agent_page, "day-0805-agent-order-dispatched-375")
    flagged.refresh_from_db()
    assert flagged.status == Status.DISPATCHED
    assert DispatchOffer.objects.filter(order=flagged, state=OfferState.PENDING).count() == 1

    # 08:07: the offer reaches the second order's technician, who accepts it on his phone
    clock.at = next_wednesday_at(8, 7)
    second_offer = DispatchOffer.objects.get(order=flagged, state=OfferState.PENDING)
    second = second_offer.technician
    other_phone = _phone(browser)
    login(other_phone, second.user.username, f"pw-{second.user.username}")
    other_phone.goto(f"{live_server.url}/dispatch/me/")
    other_phone.locator(f"[data-offer='{second_offer.pk}'] button.accept").click()
    other_phone.locator(f"[data-job='{flagged.number}'] [data-step='depart']").wait_for()
    screenshot(other_phone, "day-0807-second-technician-accepted-375")

    # The first technician sets off and arrives, one button at a time
    for at, event in (((8, 15), "depart"), ((8, 40), "arrive")):
        clock.at = next_wednesday_at(*at)
        _step(tech_phone, order.number, event)
        screenshot(tech_phone, f"day-{at[0]:02}{at[1]:02}-technician-{event}-375")
    # then records the visit (completion requires it; its pages have their own browser test,
    # test_visit_end_to_end.py): before-photo and diagnosis at 08:50, the warranty decided at 08:55,
    # the after-photo at 09:25, and at 09:30 the customer signs the completion on his phone
    _visit_until_signoff(order, clock, diagnose_at=(8, 50), repair_at=(8, 55), after_at=(9, 25))
    clock.at = next_wednesday_at(9, 30)
    _sign_off(tech_phone, live_server.url, order.number)
    _fits(tech_phone)
    screenshot(tech_phone, "day-0930-technician-completed-375")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.COMPLETED

    # The customer's texts, in order, each with her tracking link and the technician's name and window
    texts = [(kind, text) for kind, text in _texts(sms_sink) if order.number in text]
    assert [kind for kind, _ in texts] == ["ack", *MILESTONES]
    link = tracking_url(order)
    assert link.startswith(live_server.url)
    assert all(link in text for _, text in texts), texts
    accepted = texts[1][1]
    assert "T1001" in accepted and "13912345678" not in accepted
    # No slot was booked: the window is the hour around his accepted offer's planned arrival
    eta = timezone.localtime(DispatchOffer.objects.get(pk=offer.pk, state=OfferState.ACCEPTED).eta)
    start = max(eta - dt.timedelta(minutes=30), next_wednesday_at(8, 3))
    assert f"上门时间 {start:%m-%d %H:%M}–{eta + dt.timedelta(minutes=30):%H:%M}" in accepted, accepted

    # She opens the link from the last text and sees her order completed
    customer.goto(texts[-1][1].rsplit("：", 1)[1])
    assert "已完工" in customer.content()
    _fits(customer)
    screenshot(customer, "day-0930-customer-tracking-375")

    # Evening: the second order's technician finishes at 21:20; "completed" waits for Thursday 08:00
    for at, event in (((20, 30), "depart"), ((20, 50), "arrive")):
        clock.at = next_wednesday_at(*at)
        _step(other_phone, flagged.number, event)
    _visit_until_signoff(flagged, clock, diagnose_at=(21, 0), repair_at=(21, 5), after_at=(21, 15))
    clock.at = next_wednesday_at(21, 20)
    _sign_off(other_phone, live_server.url, flagged.number)
    assert _about(sms_sink, flagged.number) == ["ack", "accepted", "en_route", "arrived"]
    clock.at = next_wednesday_at(8) + dt.timedelta(days=1, seconds=1)
    jobs_sweep(now=clock.at + dt.timedelta(minutes=5))  # past the sweeper's grace
    assert _about(sms_sink, flagged.number) == ["ack", *MILESTONES]

    # No milestone text left during quiet hours except the urgent ones (on the way, arrived)
    for note in Notification.objects.exclude(kind__in=["ack", "en_route", "arrived"]):
        assert 8 <= timezone.localtime(note.sent_at).hour < 21, (note.kind, note.sent_at)
