"""The visit on the technician's phone (375 px): from his job card to the checklist, one item at a time,
a photo from the camera input, an out-of-range reading flagged at once, completion, and the flag kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from anxin.visits.models import Inspection, InspectionResult, VisitPhoto
from anxin.visits.tests.factories import on_site_order

pytestmark = pytest.mark.django_db(transaction=True)


def _photo(tmp_path):
    path = tmp_path / "chamber.jpg"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 90, 160)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_the_technician_fills_the_checklist_on_his_phone(
    live_server, phone_page, login, screenshot, technician, product_model, tmp_path
):
    order = on_site_order(technician=technician)
    page = phone_page
    login(page, "tech", "pw-tech")
    page.goto(f"{live_server.url}/dispatch/me/")
    page.click(f'[data-job="{order.number}"] a.visit')
    page.click("#next-step")  # the visit hub: the checklist is the first step
    page.wait_for_selector("[data-template=disinfection-cabinet-inspection]")
    page.click("[data-template=disinfection-cabinet-inspection]")
    page.wait_for_selector("section.inspection[data-status=in_progress]")
    run = Inspection.objects.get(order=order)

    def item(code: str):
        return page.locator(f"#item-{run.pk}-{code}")

    def answered(code: str) -> None:
        page.wait_for_selector(f"#item-{run.pk}-{code}.answered")

    for code in ("power_panel", "uv_lamp", "ozone", "heater", "thermostat", "interlock", "fan"):
        item(code).get_by_text("合格", exact=True).click()
        answered(code)
    item("door_seal").get_by_text("完好贴合").click()
    answered("door_seal")

    # A reading below the allowed 120 °C is flagged as soon as it is entered.
    item("chamber_temp").locator("input[name=value]").fill("98")
    item("chamber_temp").locator("input[name=value]").press("Tab")
    page.wait_for_selector(f"#item-{run.pk}-chamber_temp.out-of-range")
    assert "超出范围：98 °C" in item("chamber_temp").inner_text()
    item("earth_leakage").locator("input[name=value]").fill("0.2")
    item("earth_leakage").locator("input[name=value]").press("Tab")
    answered("earth_leakage")
    assert "out-of-range" not in (item("earth_leakage").get_attribute("class") or "")

    # The camera input takes the photo (the phone's file chooser), posted at once.
    camera = item("photo_inside").locator("input[type=file]")
    assert camera.get_attribute("capture") == "environment"
    camera.set_input_files(str(_photo(tmp_path)))
    answered("photo_inside")
    page.wait_for_selector(f"#item-{run.pk}-photo_inside .photos img")

    item("notes").locator("textarea").fill("门封条轻微变形")
    item("notes").locator("textarea").press("Tab")
    answered("notes")

    # Big touch targets and nothing wider than the phone.
    box = item("uv_lamp").locator("label").first.bounding_box()
    assert box is not None and box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "visit-checklist-phone")

    page.click(f"#complete-{run.pk}")
    page.wait_for_selector("section.inspection[data-status=completed]")
    # The flag stays on every later view; nothing is editable any more.
    page.reload()
    assert page.locator(f"#item-{run.pk}-chamber_temp.out-of-range").count() == 1
    assert page.locator(f"#item-{run.pk}-chamber_temp input").count() == 0

    run.refresh_from_db()
    assert run.status == "completed"
    assert InspectionResult.objects.get(inspection=run, item__code="chamber_temp").out_of_range is True
    photo = VisitPhoto.objects.get(inspection=run)
    assert photo.item.code == "photo_inside" and photo.attachment.content_type == "image/jpeg"
