"""Issue #12 acceptance: with no network the technician completes a checklist and takes a photo on his
phone; back online, the server has both, exactly once, in order (the completion after the answers)."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from anxin.core.models import ReplayGuard
from anxin.visits.choices import InspectionStatus, VisitKind
from anxin.visits.models import Inspection, InspectionResult, VisitPhoto
from anxin.visits.selectors import templates_for_order
from anxin.visits.services import inspection_start
from anxin.visits.tests.factories import on_site_order
from tests.browser.phone_steps import wait_until
from tests.browser.test_accessibility import axe_findings

pytestmark = pytest.mark.django_db(transaction=True)

PASS_FAIL = ("power_panel", "uv_lamp", "ozone", "heater", "thermostat", "interlock", "fan")


def _camera_photo(tmp_path):
    """A photo as big as a phone camera's side (2400 px): the page shrinks it to 1600 px before queuing."""
    path = tmp_path / "inside.jpg"
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (40, 90, 160)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _cached(page, path: str) -> bool:
    return page.evaluate("p => caches.match(p, {ignoreVary: true}).then(r => !!r)", path)


def test_offline_the_technician_completes_the_checklist_and_takes_a_photo_and_the_server_gets_both_once(
    live_server, phone_page, login, screenshot, technician, product_model, tmp_path
):
    order = on_site_order(technician=technician)
    template = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    run = inspection_start(actor=technician.user, order=order, template=template)
    page = phone_page
    login(page, "tech", "pw-tech")
    page.goto(f"{live_server.url}/dispatch/me/")
    # The worker installed on this first visit; the next page load is the installed app, controlled by it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=30000
    )
    # Online, the job card warms the hub and the hub warms its step pages.
    checklist = f"/visits/{order.number}/checklist/"
    page.click(f'[data-job="{order.number}"] a.visit')
    page.locator('[data-step="checklist"]').wait_for()
    # The hub at phone width: the steps in order, one primary action, nothing wider than the phone.
    assert page.locator(".visit-steps li").evaluate_all("els => els.map(e => e.dataset.step)") == [
        "checklist", "diagnosis", "parts", "quote", "completion",
    ]  # fmt: skip
    assert page.locator("#next-step").get_attribute("href") == f"/visits/{order.number}/checklist/"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    findings = axe_findings(page)
    assert not findings, "\n".join(findings)
    screenshot(page, "visit-hub-375")
    wait_until(lambda: _cached(page, checklist), seconds=20, failing="the phone never kept the checklist")

    page.context.set_offline(True)
    page.goto(f"{live_server.url}{checklist}")  # from the phone's copy
    page.wait_for_selector("section.inspection[data-status=in_progress]")

    def item(code: str):
        return page.locator(f"#item-{run.pk}-{code}")

    def saved(code: str) -> None:
        item(code).get_by_text("已离线保存").wait_for()

    for code in PASS_FAIL:
        item(code).get_by_text("合格", exact=True).click()
        saved(code)
    item("door_seal").get_by_text("完好贴合").click()
    saved("door_seal")
    for code, value in (("chamber_temp", "125"), ("earth_leakage", "0.2")):
        item(code).locator("input[name=value]").fill(value)
        item(code).locator("input[name=value]").press("Tab")
        saved(code)
    item("photo_inside").locator("input[type=file]").set_input_files(str(_camera_photo(tmp_path)))
    saved("photo_inside")
    item("photo_inside").locator("img.offline-preview").wait_for()  # the photo shows, taken from the phone
    item("notes").locator("textarea").fill("门封条正常")
    item("notes").locator("textarea").press("Tab")
    saved("notes")
    # The one toast "kept on the phone" is read and closed, as the technician does, before the last button.
    for close in page.locator("#toasts .btn-close").all():
        close.click()
    page.click(f"#complete-{run.pk}")
    actions = len(PASS_FAIL) + 6  # 12 answers and the completion
    page.locator("#field-offline").get_by_text(f"待提交 {actions} 项").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "visit-offline-checklist-375")
    assert InspectionResult.objects.filter(inspection=run).count() == 0  # nothing reached the server
    assert not VisitPhoto.objects.filter(order=order).exists()

    page.context.set_offline(False)
    wait_until(
        lambda: Inspection.objects.get(pk=run.pk).status == InspectionStatus.COMPLETED,
        seconds=20,
        failing="the server never saw the checklist completed",
    )
    page.locator("#field-offline [data-offline-queued]").get_by_text("待提交").wait_for(state="detached")
    time.sleep(1.5)  # a late duplicate replay would show here
    answered = InspectionResult.objects.filter(inspection=run)
    assert answered.count() == len(PASS_FAIL) + 5  # every item has its answer, the photo item too
    assert answered.get(item__code="chamber_temp").number == 125
    photo = VisitPhoto.objects.get(order=order)  # exactly one photo
    assert photo.item.code == "photo_inside" and photo.attachment.content_type == "image/jpeg"
    with Image.open(photo.attachment.file) as stored:
        assert max(stored.size) == 1600  # shrunk on the phone before it was queued
    assert ReplayGuard.objects.count() == actions  # each queued action ran once on the server
