"""An order's files (photos the customer sent): for whoever may see the order, 404 for anyone else.

Staff, the order's technician and its customer come signed in and are scoped by ``workorder_get_for``;
a customer following the tracking link passes its token (``?t=``) as on the tracking page.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from anxin.core.exceptions import NotFound
from anxin.workorders import selectors
from anxin.workorders.models import Attachment, WorkOrder


def _order_for(request: HttpRequest, number: str) -> WorkOrder:
    token = request.GET.get("t", "")
    if token:
        return selectors.workorder_get_by_tracking(number=number, token=token)
    if not request.user.is_authenticated:
        raise NotFound(gettext("没有您可查看的工单 %(number)s") % {"number": number}, field="number")
    return selectors.workorder_get_for(actor=request.user, number=number)


def _attachment_for(request: HttpRequest, number: str, attachment_id: int) -> Attachment:
    return selectors.attachment_get(order=_order_for(request, number), attachment_id=attachment_id)


@require_GET
@cache_control(private=True, max_age=3600)
def attachment_file(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    attachment = _attachment_for(request, number, attachment_id)
    if attachment.content_type in selectors.IMAGE_TYPES:  # re-encoded by intake: safe to show inline
        return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    # Anything else is kept opaque (see intake): downloaded, never rendered by the browser.
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{number}-{attachment.pk}",
        content_type="application/octet-stream",
    )


@require_GET
@cache_control(private=True, max_age=3600)
def attachment_thumb(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    thumb = selectors.attachment_thumbnail(_attachment_for(request, number, attachment_id))
    if thumb is None:
        raise NotFound(gettext("该附件不是图片"), field="attachment")
    data, content_type = thumb
    return HttpResponse(data, content_type=content_type)
