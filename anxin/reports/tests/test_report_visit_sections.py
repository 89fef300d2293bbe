"""The report of a whole visit: checklist (out of range flagged), diagnosis, parts with serials, the
approved lines and payment, both signatures and the advice, read back from the PDF (text and images)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from anxin.parts.models import Part, PartCode
from anxin.pricing.choices import LineKind
from anxin.pricing.services import quote_line_add, quote_send, quote_start
from anxin.reports.services import service_report_render
from anxin.reports.tests.helpers import pdf_text
from anxin.testing.visits import (
    _fault_code,
    part_fitted,
    photo_jpeg,
    visit_finish,
    visit_quote_approve,
    visit_reach_on_site,
)
from anxin.visits.services import diagnosis_record, photo_add, standards_load
from anxin.visits.tests.factories import inspection_fill
from anxin.workorders.choices import Status
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(technician, product_model, dispatcher, brand):
    tech = technician.user
    standards_load()  # the device's inspection checklist
    order = visit_reach_on_site(order=order_file(model="ZTP-108A"), technician=technician)
    inspection_fill(order=order, actor=tech, answers={"chamber_temp": 101})  # below 120–150 °C
    photo_add(actor=tech, order=order, role="before", data=photo_jpeg("gray"), filename="前.jpg")
    fault = _fault_code(order, covered=False)
    diagnosis_record(actor=tech, order=order, fault_codes=[fault.code], cause="加热管烧断，柜内温度不足")
    order.refresh_from_db()
    quote = quote_start(order=order, fault_code=fault, actor=tech)
    part = Part.objects.create(
        brand=brand, part_number="HT-9", name="加热管", list_price="85.00", serialised=True
    )
    PartCode.objects.create(code="LC-HT9-000777", brand=brand, part=part)
    quote_line_add(quote=quote, actor=tech, kind=LineKind.PART, part=part, part_code="LC-HT9-000777")
    quote = quote_send(quote=quote, actor=tech)
    visit_quote_approve(quote=quote, actor=tech)
    order.refresh_from_db()
    part_fitted(
        order=order, actor=tech, stocker=dispatcher, code="LC-HT9-000777", removed_serial="OLD-SN-4411",
        number="HT-9",
    )  # fmt: skip
    visit_finish(order=order, actor=tech)
    order.refresh_from_db()
    assert order.status == Status.COMPLETED
    return order


def test_the_pdf_carries_every_section_of_the_visit(completed):
    pdf = service_report_render(order=completed)
    text = pdf_text(pdf)
    for expected in (
        "检测结果",
        "超出范围",
        "101",
        "故障诊断",
        "加热管烧断",
        "更换配件",
        "LC-HT9-000777",
        "OLD-SN-4411",
        "费用",
        "报价已同意",
        "335.00",  # visit fee 50 + labour 200 + part 85, as approved
        "已收款",
        "客户签字",
        "报价确认签名",
        "完工确认签名",
    ):
        assert expected in text, expected


def test_the_pdf_embeds_both_signatures(completed):
    reader = PdfReader(io.BytesIO(service_report_render(order=completed)))
    images = [image for page in reader.pages for image in page.images]
    # two photos (before, after) and the two signatures; the signatures keep their drawn size
    assert len(images) >= 4
    sizes = {image.image.size for image in images if image.image is not None}
    assert (300, 120) in sizes
