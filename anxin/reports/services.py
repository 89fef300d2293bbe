"""Issue service reports: render, hash, store as a new version, note it on the timeline.

Reports are made when an order is completed (``reports_outbox_read``, a reader of the work-order
outbox with its own cursor, like sla and dispatch) and on demand when someone who may see the order
asks for one that is missing or older than the order's last change. Issued files are never
overwritten: a change makes a new version with its own hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.exceptions import Conflict
from anxin.core.outbox import outbox_cursor, outbox_cursor_move, outbox_unread
from anxin.reports.models import ServiceReport
from anxin.reports.render import ReportUnavailable, report_pdf
from anxin.reports.sections import report_content
from anxin.reports.selectors import (
    REPORTABLE_STATUSES,
    service_report_basis,
    service_report_is_current,
    service_report_latest,
)
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.services import workorder_event_record

logger = logging.getLogger("anxin.reports")


def service_report_render(*, order: WorkOrder, issued_at: dt.datetime | None = None) -> bytes:
    """The PDF of the order as it is now, in Chinese whoever asks: it is the document the customer keeps."""
    with translation.override("zh-hans"):
        return report_pdf(report_content(order, issued_at=issued_at))


def service_report_generate(*, order: WorkOrder, actor: User | None = None) -> ServiceReport:
    """A new version of the order's report, whatever exists already.

    The PDF is rendered outside any transaction (about half a second); the row, its version number and
    the timeline entry are then written in one. Two concurrent calls get consecutive versions.
    """
    basis = service_report_basis(order=order)
    issued_at = timezone.now()
    pdf = service_report_render(order=order, issued_at=issued_at)
    for _attempt in range(3):
        try:
            return _service_report_store(order=order, actor=actor, pdf=pdf, basis=basis)
        except IntegrityError:
            continue  # another worker took this version number: take the next one
    raise Conflict(gettext("服务报告正在生成，请稍后再试"), field="number", code="report_busy")


@transaction.atomic
def _service_report_store(*, order: WorkOrder, actor: User | None, pdf: bytes, basis: int) -> ServiceReport:
    version = (order.service_reports.aggregate(last=Max("version"))["last"] or 0) + 1
    sha256 = hashlib.sha256(pdf).hexdigest()
    report = ServiceReport(
        order=order,
        version=version,
        sha256=sha256,
        size=len(pdf),
        last_event_id=basis,
        created_by=actor if actor is not None and actor.pk else None,
    )
    report.file.save("report.pdf", ContentFile(pdf), save=False)  # random name: models.report_file_name
    try:
        with transaction.atomic():
            report.full_clean()
            report.save()
    except Exception:
        report.file.delete(save=False)  # no row, no file: an orphan would never be found again
        raise
    workorder_event_record(
        order=order,
        event=Event.REPORT_ISSUED,
        actor=actor,
        actor_label="" if actor is not None else "system",
        note=f"v{version} sha256 {sha256}",  # no personal data: a version and a hash
    )
    return report


def service_report_current(*, order: WorkOrder, actor: User | None = None) -> ServiceReport:
    """The report that matches the order now: the latest version, or a new one when missing or stale.

    Before the work is done there is nothing to report (409 ``report_not_ready``), unless a report was
    issued earlier (a reopened order keeps its last report until it is completed again).
    """
    latest = service_report_latest(order=order)
    if order.status not in REPORTABLE_STATUSES:
        if latest is not None:
            return latest
        raise Conflict(
            gettext("工单 %(number)s 尚未完工，还没有服务报告") % {"number": order.number},
            field="number",
            code="report_not_ready",
        )
    if latest is not None and service_report_is_current(order=order, report=latest):
        return latest
    return service_report_generate(order=order, actor=actor)


OUTBOX = "reports"
OUTBOX_BATCH = 50


def reports_outbox_read(*, batch: int = OUTBOX_BATCH) -> int:
    """Issue the report of every order completed since the last read; returns how many events were read.

    Each report is made in its own transaction (rendering takes a while), then the cursor moves. A
    failure leaves the cursor where it was, so the batch is read again; orders whose report is already
    current are skipped (``service_report_current``), so a repeated read issues nothing twice.
    """
    read = 0
    while True:
        cursor, _ = outbox_cursor(OUTBOX)
        rows = list(
            outbox_unread(cursor, WorkOrderEvent.objects.filter(event=Event.COMPLETE)).values_list(
                "txid", "id", "order_id"
            )[:batch]
        )
        if not rows:
            return read
        orders = WorkOrder.objects.select_related(
            "brand", "category", "device__product_model", "technician__user", "technician__service_point"
        ).in_bulk({order_id for _, _, order_id in rows})
        try:
            for order in orders.values():
                if order.status in REPORTABLE_STATUSES:
                    service_report_current(order=order)
        except ReportUnavailable:
            # The cursor stays: once pango is installed the minute task issues the reports it missed.
            logger.warning("service reports are waiting: this machine cannot make PDFs (install pango)")
            return read
        if not outbox_cursor_move(cursor, to=rows[-1][:2]):
            return read  # another worker read the same batch and moved on
        read += len(rows)
        if len(rows) < batch:
            return read
