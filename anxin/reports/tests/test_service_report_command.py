"""manage.py service_report NUMBER --out FILE.pdf writes the order's report."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import CommandError, call_command

from anxin.reports.models import ServiceReport
from anxin.reports.tests.factories import completed_order
from anxin.reports.tests.helpers import pdf_text
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


def test_it_writes_a_valid_pdf_of_the_order(brand, category, technician, tmp_path):
    order = completed_order(technician=technician, photos=1)
    out = tmp_path / "report.pdf"

    call_command("service_report", order.number, "--out", str(out))

    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert order.number in pdf_text(data)
    assert hashlib.sha256(data).hexdigest() == ServiceReport.objects.get(order=order).sha256


def test_new_version_issues_another(brand, category, technician, tmp_path):
    order = completed_order(technician=technician, photos=0)
    call_command("service_report", order.number, "--out", str(tmp_path / "a.pdf"))

    call_command("service_report", order.number, "--out", str(tmp_path / "b.pdf"), "--new-version")

    assert list(ServiceReport.objects.filter(order=order).values_list("version", flat=True)) == [2, 1]


def test_an_unknown_or_open_order_is_an_error(brand, category, tmp_path):
    with pytest.raises(CommandError):
        call_command("service_report", "WO00000000-000000", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="尚未完工"):
        call_command("service_report", order_file().number, "--out", str(tmp_path / "x.pdf"))
