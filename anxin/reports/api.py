from __future__ import annotations

from django.http import FileResponse
from ninja import Router

from anxin.accounts.auth import api_auth
from anxin.accounts.requests import AuthedRequest
from anxin.core.schemas import errors
from anxin.reports import services
from anxin.reports.views import report_file_response
from anxin.workorders.selectors import workorder_get_for

# Mounted on /api/v1/orders beside workorders' own router (reports sits above workorders).
router = Router(tags=["reports"], auth=api_auth)
ERRORS = errors(401, 403, 404, 409, 422, 429, 503)
PDF_RESPONSE = {
    "description": "The service report as PDF; its SHA-256 is in the X-Report-SHA256 header.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/{number}/report", response={200: None, **ERRORS}, openapi_extra={"responses": {200: PDF_RESPONSE}}
)
def order_report(request: AuthedRequest, number: str) -> FileResponse:
    """The order's service report (made on demand when missing or older than the order's last change).

    Anyone who may see the order may have it; anyone else gets 404, as for the order itself. Before the
    order is completed: 409 ``report_not_ready``; a server without pango: 503 ``report_unavailable``.
    """
    order = workorder_get_for(actor=request.auth, number=number)
    return report_file_response(services.service_report_current(order=order, actor=request.auth))
