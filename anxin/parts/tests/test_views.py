"""The pages: the technician's order parts (htmx), QR labels, alerts and the CSV upload."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anxin.parts import services
from anxin.parts.models import Part, PartCodeAlert


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_technician_installs_with_a_typed_code_and_a_reused_one_is_refused(
    dispatcher, technician, order, coded_part, van
):
    services.stock_receive(location=van, part=coded_part, quantity=2, actor=dispatcher)
    tech = _signed_in(technician.user)
    url = f"/parts/orders/{order.number}/"
    page = tech.get(url)
    assert page.status_code == 200 and "车载库存" in page.content.decode()

    tech.post(url, {"action": "reserve", "part": coded_part.pk, "quantity": 1}, HTTP_HX_REQUEST="true")
    [first, *_] = services_reservations(order)
    ok = tech.post(
        url, {"action": "install", "reservation": first, "code": "LECH-AAAA-0001", "removed_serial": "OLD"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert "防伪码验证通过" in ok.content.decode() and "LECH-AAAA-0001" in ok.content.decode()

    tech.post(url, {"action": "reserve", "part": coded_part.pk, "quantity": 1}, HTTP_HX_REQUEST="true")
    second = services_reservations(order)[-1]
    refused = tech.post(
        url, {"action": "install", "reservation": second, "code": "LECH-AAAA-0001"}, HTTP_HX_REQUEST="true"
    )
    assert "已被安装过" in refused.content.decode()
    assert PartCodeAlert.objects.filter(reason="part_code_used").count() == 1


def services_reservations(order) -> list[int]:
    from anxin.parts.selectors import order_reservations

    return [r.pk for r in order_reservations(order=order)]


def test_another_technician_gets_404_on_the_order_parts_page(other_technician, order):
    assert _signed_in(other_technician.user).get(f"/parts/orders/{order.number}/").status_code == 404


def test_brand_staff_print_qr_labels_and_see_alerts(brand_staff, coded_part, technician, order):
    staff = _signed_in(brand_staff)
    labels = staff.get(f"/parts/{coded_part.pk}/codes/")
    assert labels.status_code == 200 and labels.content.decode().count("data-code=") == 3
    png = staff.get(f"/parts/{coded_part.pk}/codes/LECH-AAAA-0001.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    try:
        services.part_code_verify(order=order, part=coded_part, code="FAKE-111111", actor=technician.user)
    except Exception:  # noqa: BLE001 - the refusal writes the alert shown below
        pass
    assert "FAKE-111111" in staff.get("/parts/alerts/").content.decode()


def test_the_csv_upload_lists_errors_by_line(brand_staff, brand):
    staff = _signed_in(brand_staff)
    upload = SimpleUploadedFile("p.csv", "part_number,name,list_price\nA-1,灯,x\n".encode(), "text/csv")
    page = staff.post("/parts/", {"brand": brand.code, "file": upload})
    assert page.status_code == 200 and "list_price" in page.content.decode()
    assert Part.objects.count() == 0
