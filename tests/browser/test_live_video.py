"""Live video of the repair end to end (issue #13 "Live video of the repair"), over the ASGI server.

Chromium's fake camera and microphone stand in for the technician's phone. The customer consents to
recording on her tracking page before the stream starts; the technician, on his phone, starts the live
video; her page's ``<video>`` plays it (WebRTC, host candidates, signaling through our socket); his page
records it and uploads it in chunks while streaming; the server keeps a file that decodes (PyAV) and puts
its SHA-256 on the order's timeline.
"""

from __future__ import annotations

import hashlib

import av
import pytest

from anxin.live.models import VideoConsent, VideoRecording
from anxin.live.tests.helpers import transition
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrderEvent
from anxin.workorders.tests.factories import order_file
from tests.browser.asgi_server import asgi_live_server  # noqa: F401  (fixture)
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _chromium_missing

pytestmark = pytest.mark.django_db(transaction=True)

FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",  # a test pattern and a beep instead of a camera and microphone
    "--use-fake-ui-for-media-stream",  # grant getUserMedia without the permission prompt
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def browser():
    """This module's own Chromium: the shared one has no fake camera."""
    if _chromium_missing():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
        )
        yield browser
        browser.close()


@pytest.fixture
def on_site_order(brand, category, dispatcher, technician):
    order = order_file(brand=brand.name, category=category.name)
    for event in (Event.ACCEPT, Event.DISPATCH, Event.TECHNICIAN_ACCEPT, Event.DEPART, Event.ARRIVE):
        actor = dispatcher if event in (Event.ACCEPT, Event.DISPATCH) else technician.user
        extra = {"technician": technician} if event == Event.DISPATCH else {}
        transition(order=order, event=event, actor=actor, **extra)
    order.refresh_from_db()
    assert order.status == Status.ON_SITE
    return order


def _login(page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_customer_watches_the_repair_live_and_the_recording_is_kept_with_its_hash(
    asgi_live_server,  # noqa: F811
    browser,
    screenshot,
    on_site_order,
    technician,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    url, number = asgi_live_server.url, on_site_order.number

    # The customer opens her tracking link and consents to recording (录像同意) before the stream starts
    customer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    customer.goto(f"{url}/track/{number}/?t={on_site_order.tracking_token}")
    customer.click("#video-consent-yes")
    customer.wait_for_selector("#video-consent-state[data-consent='1']")
    consent = VideoConsent.objects.get(order=on_site_order)
    assert consent.granted and consent.via == VideoConsent.Via.TRACKING_LINK
    assert customer.is_hidden("#live-video-player")  # nothing to watch yet

    # The technician, on his phone, opens the order's live video and starts it
    phone_context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    phone = phone_context.new_page()
    _login(phone, url, "tech", "pw-tech")
    phone.goto(f"{url}/dispatch/me/")
    phone.click(f"[data-job='{number}'] [data-video-link]")
    phone.wait_for_selector("#video-consent-state[data-consent='1']")
    phone.click("#video-start")
    phone.wait_for_selector("#live-video[data-streaming='1']")

    # The customer's <video> plays the stream: it has a picture and its clock advances
    customer.wait_for_function(
        "() => { const v = document.getElementById('live-video-player'); return v && v.videoWidth > 0; }",
        timeout=20_000,
    )
    first = customer.evaluate("document.getElementById('live-video-player').currentTime")
    customer.wait_for_function(
        "t => document.getElementById('live-video-player').currentTime > t + 1", arg=first, timeout=10_000
    )
    assert customer.evaluate("document.getElementById('live-video-player').videoWidth") > 0
    assert not customer.evaluate("document.getElementById('live-video-player').paused")
    # Audio is on by default and both sides can mute it
    player = "document.getElementById('live-video-player')"
    assert customer.evaluate(f"{player}.srcObject.getAudioTracks().length") == 1
    assert customer.evaluate(f"{player}.muted") is False
    customer.click("#video-mute")
    assert customer.evaluate(f"{player}.muted") is True
    assert customer.get_attribute("#video-mute", "aria-pressed") == "true"
    phone.click("#video-mute")
    assert phone.get_attribute("#video-mute", "aria-pressed") == "true"
    assert (
        phone.evaluate("document.getElementById('live-video-local').srcObject.getAudioTracks()[0].enabled")
        is False
    )
    phone.click("#video-mute")  # and on again
    assert (
        phone.evaluate("document.getElementById('live-video-local').srcObject.getAudioTracks()[0].enabled")
        is True
    )
    screenshot(customer, "live-video-customer")
    screenshot(phone, "live-video-phone")

    # The recording reached the server while streaming
    phone.wait_for_function(
        "() => document.getElementById('video-recording-state').textContent.length > 0", timeout=5_000
    )
    recording = VideoRecording.objects.get(order=on_site_order)
    assert recording.consent_id == consent.pk

    # He ends the stream: the last chunks go up, the server decodes and hashes the file
    phone.click("#video-stop")
    phone.wait_for_selector("#live-video[data-recording-sha256]", timeout=30_000)
    shown = phone.get_attribute("#live-video", "data-recording-sha256")
    recording.refresh_from_db()
    assert recording.state == VideoRecording.State.COMPLETE
    assert recording.sha256 == shown
    with recording.file.open("rb") as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == recording.sha256 and len(data) == recording.size

    # It decodes (PyAV): frames and a duration, as the server recorded them
    with av.open(recording.file.path) as container:
        stream = container.streams.video[0]
        frames = [frame.time for frame in container.decode(stream)]
    assert len(frames) > 0 and frames[-1] - frames[0] > 0
    assert recording.frames == len(frames) and recording.duration_s > 0

    # Its hash is on the order's timeline (the order page's timeline, and the customer's list)
    assert WorkOrderEvent.objects.filter(
        order=on_site_order, event=Event.VIDEO_RECORDED, note__contains=recording.sha256
    ).exists()
    phone.goto(f"{url}/orders/{number}/")
    assert recording.sha256 in phone.text_content("#timeline")
    customer.goto(f"{url}/track/{number}/?t={on_site_order.tracking_token}")
    assert recording.sha256 in customer.text_content("#video-recordings")
    # ... and she can watch it later through her link
    link = customer.get_attribute(f"[data-recording='{recording.pk}'] a", "href")
    response = customer.request.get(f"{url}{link}")
    assert response.ok and response.headers["content-type"] == "video/webm"
    assert hashlib.sha256(response.body()).hexdigest() == recording.sha256
    phone_context.close()
    customer.context.close()
