"""Reads on service reports. The caller already holds the order through a scoped workorders selector."""

from __future__ import annotations

from django.db.models import Max

from anxin.reports.models import ServiceReport
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder

# A report is issued once the work is done; follow-up and closing do not change what it says.
REPORTABLE_STATUSES = frozenset({Status.COMPLETED, Status.FOLLOWED_UP, Status.CLOSED})
# Timeline rows that change nothing the report shows: a newer one of these does not make a report stale.
NOT_IN_REPORT_EVENTS = frozenset(
    {
        Event.REPORT_ISSUED,
        Event.FOLLOW_UP,
        Event.CLOSE,
        Event.CUSTOMER_CONTACTED,
        Event.SLA_PAUSED,
        Event.SLA_RESUMED,
    }
)


def service_report_latest(*, order: WorkOrder) -> ServiceReport | None:
    report: ServiceReport | None = order.service_reports.order_by("-version").first()
    return report


def service_report_basis(*, order: WorkOrder) -> int:
    """The id of the order's last timeline row that the report reflects (0: none)."""
    last: int | None = order.events.exclude(event__in=NOT_IN_REPORT_EVENTS).aggregate(last=Max("id"))["last"]
    return last or 0


def service_report_is_current(*, order: WorkOrder, report: ServiceReport) -> bool:
    return report.last_event_id >= service_report_basis(order=order)


def service_reports_of(*, order: WorkOrder) -> list[ServiceReport]:
    """Every issued version, newest first."""
    return list(order.service_reports.order_by("-version"))
