"""The report PDF for the order pages: staff and signed-in users by their scope, customers by the link token.

Same rule as the order's photos (anxin/workorders/views.py): ``?t=`` is the tracking token of the
customer's link; otherwise the signed-in user's scope; anyone else gets 404.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from anxin.core.exceptions import NotFound
from anxin.reports import services
from anxin.reports.models import ServiceReport
from anxin.workorders import selectors
from anxin.workorders.models import WorkOrder


def _order_for(request: HttpRequest, number: str) -> WorkOrder:
    token = request.GET.get("t", "")
    if token:
        return selectors.workorder_get_by_tracking(number=number, token=token)
    if not request.user.is_authenticated:
        raise NotFound(gettext("没有您可查看的工单 %(number)s") % {"number": number}, field="number")
    return selectors.workorder_get_for(actor=request.user, number=number)


def report_file_response(report: ServiceReport) -> FileResponse:
    """The stored file as issued (never re-rendered here), named after the order and the version."""
    response = FileResponse(
        report.file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"service-report-{report.order.number}-v{report.version}.pdf",
    )
    response["X-Report-SHA256"] = report.sha256
    return response


@require_GET
@cache_control(private=True, no_cache=True)
def report_pdf(request: HttpRequest, number: str) -> FileResponse:
    order = _order_for(request, number)
    actor = request.user if request.user.is_authenticated else None
    return report_file_response(services.service_report_current(order=order, actor=actor))
