"""A report is a PDF with the order in Chinese, masked personal data, its hash stored; versions never overwrite."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from anxin.core.exceptions import Conflict
from anxin.reports.models import ServiceReport
from anxin.reports.services import service_report_current, service_report_generate
from anxin.reports.tests.factories import completed_order
from anxin.reports.tests.helpers import pdf_text, stored_bytes
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_event_record, workorder_transition
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(brand, category, technician) -> WorkOrder:
    return completed_order(technician=technician, photos=2)


def test_the_pdf_says_in_chinese_what_was_done_for_which_order(order):
    report = service_report_generate(order=order)

    text = pdf_text(stored_bytes(report))
    assert order.number in text
    assert "上门服务报告" in text
    assert "乐创" in text and "消毒柜" in text
    assert "T1001" in text and "北京朝阳网点" in text
    assert "北京市 朝阳区" in text  # the district only


def test_it_shows_personal_data_masked_and_never_the_street(order):
    text = pdf_text(stored_bytes(service_report_generate(order=order)))

    assert "张*" in text and "138****8000" in text
    assert "张伟" not in text
    assert "13800138000" not in text
    assert "建国路" not in text


def test_it_embeds_the_order_photos_shrunk(order):
    data = stored_bytes(service_report_generate(order=order))

    # By name: the pages of the report share their image resources.
    images = {image.name: image.image for page in PdfReader(io.BytesIO(data)).pages for image in page.images}
    assert all(image is not None and max(image.size) <= 640 for image in images.values())
    # the two 1200×900 photos filed with the order, shrunk; the visit's small photos and signature beside them
    assert [image.size for image in images.values() if image is not None].count((640, 480)) == 2


def test_the_stored_hash_and_size_are_the_files(order):
    report = service_report_generate(order=order)

    data = stored_bytes(report)
    assert data.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.size == len(data)
    assert order.number not in str(report.file.name)  # a random name in private media


def test_the_timeline_records_the_report_with_its_hash(order):
    report = service_report_generate(order=order)

    issued = order.events.get(event=Event.REPORT_ISSUED)
    assert issued.note == f"v1 sha256 {report.sha256}"


def test_generating_again_is_a_new_version_and_the_old_file_stays(order):
    first = service_report_generate(order=order)
    first_bytes = stored_bytes(first)

    second = service_report_generate(order=order)

    assert (first.version, second.version) == (1, 2)
    assert second.file.name != first.file.name
    first.refresh_from_db()
    assert (
        hashlib.sha256(stored_bytes(first)).hexdigest()
        == first.sha256
        == hashlib.sha256(first_bytes).hexdigest()
    )
    assert ServiceReport.objects.filter(order=order).count() == 2


def test_current_reuses_the_report_until_the_order_changes(order, agent):
    first = service_report_current(order=order)
    assert service_report_current(order=order) == first  # its own timeline entry changes nothing

    workorder_transition(order=order, event=Event.FOLLOW_UP, actor=agent, note="回访：满意")
    assert service_report_current(order=order) == first  # not in the report

    workorder_event_record(order=order, event=Event.CORRECTED, actor=agent)
    changed = service_report_current(order=order)
    assert changed.version == 2


def test_an_order_not_completed_has_no_report(brand, category):
    order = order_file()

    with pytest.raises(Conflict) as refused:
        service_report_current(order=order)
    assert (refused.value.code, refused.value.field) == ("report_not_ready", "number")
    assert not ServiceReport.objects.exists()


def test_a_reopened_order_keeps_serving_its_last_report(order, agent):
    issued = service_report_current(order=order)
    workorder_transition(order=order, event=Event.REOPEN, actor=agent, note="客户反映故障复发")
    assert order.status == Status.REOPENED

    assert service_report_current(order=order) == issued


def test_the_device_serial_shows_only_its_last_four_characters(brand, category, technician):
    order = completed_order(technician=technician, photos=0, serial="SN20240607XYZ9876")

    text = pdf_text(stored_bytes(service_report_generate(order=order)))

    assert "*************9876" in text
    assert "SN20240607XYZ9876" not in text


def test_a_report_never_fetches_anything_but_its_photos_and_font(order, monkeypatch):
    from weasyprint.urls import FatalURLFetchingError

    from anxin.reports import render

    monkeypatch.setattr(
        render, "render_to_string", lambda *a, **k: '<img src="file:///etc/passwd"><p>工单</p>'
    )

    with pytest.raises(FatalURLFetchingError, match="passwd"):
        service_report_generate(order=order)
    assert not ServiceReport.objects.exists()
