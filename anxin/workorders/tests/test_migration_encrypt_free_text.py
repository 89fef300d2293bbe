"""Existing rows survive the switch to encrypted free text and random file names."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("workorders", "0002_workorder_appointment_end_and_more"), ("intake", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_old_plain_rows_are_encrypted_and_files_renamed():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Customer = apps.get_model("customers", "Customer")
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    Attachment = apps.get_model("workorders", "Attachment")
    IntakeRequest = apps.get_model("intake", "IntakeRequest")
    customer = Customer.objects.create()
    order = WorkOrder.objects.create(
        number="WO20260101-000001",
        channel="social",
        customer=customer,
        brand_text="王小明 13987654321",
        category_text="北京市朝阳区",
        preferred_time="明天上午",
        tracking_token="t" * 32,
        created_at=timezone.now(),
    )
    folder = Path(settings.MEDIA_ROOT) / "attachments/2026/01"
    folder.mkdir(parents=True)
    (folder / "王小明身份证.jpg").write_bytes(b"jpeg")
    Attachment.objects.create(
        order=order,
        file="attachments/2026/01/王小明身份证.jpg",
        filename="王小明身份证.jpg",
        size=4,
        sha256="0" * 64,
    )
    IntakeRequest.objects.create(channel="social", order=order, created_order=True)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    with connection.cursor() as cursor:
        cursor.execute("SELECT brand_text, category_text, preferred_time FROM workorders_workorder")
        assert all(value.startswith("v1:") for value in cursor.fetchone())
        cursor.execute("SELECT file, filename FROM workorders_attachment")
        stored, filename = cursor.fetchone()
    assert filename.startswith("v1:") and "王小明" not in stored and stored.endswith(".jpg")
    assert (Path(settings.MEDIA_ROOT) / stored).read_bytes() == b"jpeg"
    assert not (folder / "王小明身份证.jpg").exists()

    from anxin.intake.models import IntakeRequest as CurrentIntakeRequest
    from anxin.workorders.models import Attachment as CurrentAttachment
    from anxin.workorders.models import WorkOrder as CurrentWorkOrder

    current = CurrentWorkOrder.objects.get()
    assert (current.brand_text, current.preferred_time) == ("王小明 13987654321", "明天上午")
    assert CurrentAttachment.objects.get().filename == "王小明身份证.jpg"
    assert CurrentIntakeRequest.objects.get().receipt_number.startswith("RQ")
