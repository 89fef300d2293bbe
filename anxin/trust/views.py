"""Pages of anxin.trust: the technician's badge, the badge photo, and the staff's review of fake channels.

/verify/ itself is the customers' page (anxin.portal); it calls the services here.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import NotFound
from anxin.network.selectors import technician_for_user
from anxin.trust import selectors, services
from anxin.trust.choices import SuspectStatus
from anxin.trust.models import FakeChannelReport
from anxin.trust.permissions import BADGE, REVIEW_REPORTS


def _badge_context(request: AuthedRequest) -> dict[str, Any]:
    require(request.user, BADGE)  # staff and customers: 403 before any lookup
    technician = technician_for_user(actor=request.user)
    order = selectors.badge_order_of(technician=technician, number=request.GET.get("order", ""))
    context: dict[str, Any] = {
        "tech": technician,
        "order": order,
        "orders": selectors.badge_orders_of(technician=technician),
        "rotate_s": settings.ANXIN_BADGE_ROTATE_S,
    }
    if order is not None:
        badge = services.badge_token_issue(actor=request.user, technician=technician, order=order)
        context["badge"] = badge
        context["qr_svg"] = segno.make(badge.verify_url, error="m").svg_inline(
            scale=5, border=2, omitsize=True, svgclass="badge-qr-svg"
        )
    return context


@login_required
@cache_control(no_store=True)
def badge(request: AuthedRequest) -> HttpResponse:
    """The technician's digital badge; htmx asks for a fresh QR code every ANXIN_BADGE_ROTATE_S."""
    template = "trust/badge.html#badge-card" if request.htmx else "trust/badge.html"
    return render(request, template, _badge_context(request))


@login_required
@require_POST
def badge_photo_upload(request: AuthedRequest) -> HttpResponse:
    require(request.user, BADGE)
    technician = technician_for_user(actor=request.user)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("请选择一张照片"))
    else:
        services.badge_photo_set(actor=request.user, technician=technician, data=upload.read())
        messages.success(request, _("工牌照片已更新"))
    return redirect("trust:badge")


@login_required
@require_GET
@cache_control(private=True, max_age=60)
def badge_photo_own(request: AuthedRequest) -> FileResponse:
    require(request.user, BADGE)
    technician = technician_for_user(actor=request.user)
    if not technician.photo:
        raise NotFound(_("还没有工牌照片"), field="photo")
    return FileResponse(technician.photo.open("rb"), content_type=_photo_type(technician.photo.name))


@require_GET
@cache_control(private=True, max_age=60)
def badge_photo(request: HttpRequest) -> FileResponse:
    """The photo of a scanned badge, for whoever holds a live token (the same check as /verify/)."""
    check = services.badge_token_check(token=request.GET.get("t", ""))
    if not check.shows_photo or check.technician is None or not check.technician.photo:
        raise NotFound(_("没有可显示的照片"), field="t")
    photo = check.technician.photo
    return FileResponse(photo.open("rb"), content_type=_photo_type(photo.name))


def _photo_type(name: str | None) -> str:
    return "image/png" if (name or "").endswith(".png") else "image/jpeg"


# -- staff review ---------------------------------------------------------------------------------

PAGE_SIZE = 50


@login_required
@require_GET
def reports(request: AuthedRequest) -> HttpResponse:
    """Reported numbers and addresses, one row each with its reports' count and dates."""
    status = request.GET.get("status", "")
    suspects = selectors.suspects_for(actor=request.user, status=status).prefetch_related(
        Prefetch("reports", queryset=FakeChannelReport.objects.order_by("-created_at"))
    )
    page = Paginator(suspects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "suspects": page.object_list,
        "status": status,
        "statuses": SuspectStatus.choices,
    }
    return render(request, "trust/reports.html", context)


@login_required
@require_POST
def report_review(request: AuthedRequest, suspect_id: int) -> HttpResponse:
    require(request.user, REVIEW_REPORTS)
    suspect = selectors.suspect_get_for(actor=request.user, suspect_id=suspect_id)
    services.suspect_review(actor=request.user, suspect=suspect, status=request.POST.get("status", ""))
    messages.success(request, _("审核结果已保存"))
    return redirect(f"{reverse('trust:reports')}#suspect-{suspect.pk}")


@login_required
@require_GET
@cache_control(private=True, max_age=600)
def report_screenshot(request: AuthedRequest, report_id: int) -> FileResponse:
    """A report's screenshot, for staff who review its suspect; re-encoded at upload, so safe inline."""
    require(request.user, REVIEW_REPORTS)
    report = selectors.report_get_for(actor=request.user, report_id=report_id)
    if not report.screenshot:
        raise NotFound(_("该举报没有截图"), field="report")
    return FileResponse(report.screenshot.open("rb"), content_type=report.screenshot_type or "image/jpeg")
