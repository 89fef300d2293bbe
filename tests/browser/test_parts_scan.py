"""The phone's camera reads a part's QR label into the code field (jsQR on camera frames).

Chromium's fake camera plays an MJPEG file of the label printed by the codes page's generator (segno).
"""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image

from anxin.parts import services
from anxin.parts.tests.factories import assigned_order, make_codes, make_part
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True)
CODE = "LECH-7K3M-9XQ2-PA4T"


def _label_video(path) -> None:
    png = io.BytesIO()
    segno.make(CODE, error="m").save(png, kind="png", scale=10, border=4)
    label = Image.open(png).convert("RGB")
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(label, ((640 - label.width) // 2, (480 - label.height) // 2))
    jpeg = io.BytesIO()
    frame.save(jpeg, format="JPEG", quality=90)
    path.write_bytes(jpeg.getvalue() * 30)  # MJPEG: concatenated JPEG frames


def test_scanning_the_qr_label_fills_the_code(live_server, tmp_path, dispatcher, technician, brand, category):
    from playwright.sync_api import sync_playwright

    order = assigned_order(technician)
    igniter = make_part(brand, number="LC-IGN-01", serialised=True, name="点火器")
    make_codes(igniter, CODE)
    van = services.van_of(technician=technician)
    services.stock_receive(location=van, part=igniter, quantity=1, actor=dispatcher)
    services.stock_reserve(order=order, part=igniter, quantity=1, actor=technician.user)
    video = tmp_path / "label.mjpeg"
    _label_video(video)

    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "tech")
        page.fill("#id_password", "pw-tech")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/parts/orders/{order.number}/")
        page.click(".reservation button.scan")
        page.wait_for_function(
            "document.querySelector('.reservation .code-input').value !== ''", timeout=20_000
        )
        assert page.input_value(".reservation .code-input") == CODE
        assert not page.is_visible("#scanner")
        browser.close()
