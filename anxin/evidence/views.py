"""Pages: the buyer's claim form and status page, the merchant's review queue and decision page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.accounts.permissions import can, require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError
from anxin.core.listing import EXPORT_ROW_LIMIT, csv_response, filters_or_400, page_of
from anxin.evidence import permissions, presenters, selectors, services
from anxin.evidence.choices import APPEALABLE, ClaimStatus, EvidenceKind
from anxin.evidence.forms import AppealForm, ClaimForm, ClaimQueueForm, DecisionForm, MoreEvidenceForm
from anxin.evidence.models import Claim
from anxin.evidence.services import OPEN_FOR_EVIDENCE


@login_required
def claim_new(request: AuthedRequest) -> HttpResponse:
    require(request.user, permissions.FILE)
    form = ClaimForm(
        request.POST or None, request.FILES or None, buyer=getattr(request.user, "customer", None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = _file_claim(request, form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            messages.success(request, _("申请已提交，正在分析证据。"))
            return redirect("evidence:status", number=claim.number)
    return render(request, "evidence/claim_new.html", {"form": form})


@transaction.atomic  # a refused photo leaves no claim behind
def _file_claim(request: AuthedRequest, data: dict[str, Any]) -> Claim:
    brand = data["brand"]
    model = data["product_model"]
    claim = services.claim_create(
        actor=request.user,
        buyer=request.user.customer,
        brand=brand,
        claim_type=data["claim_type"],
        product_model=selectors.product_model_for_brand(brand=brand, model_id=model.pk if model else None),
        order_number=data["order_number"],
        amount_paid=data["amount_paid"],
        amount_claimed=data["amount_claimed"],
        description=data["description"],
        repair_order=data.get("repair_order", ""),
    )
    photo = data["photo"]
    services.evidence_add(
        actor=request.user,
        claim=claim,
        kind=EvidenceKind.CLAIM_PHOTO,
        data=photo.read(),
        filename=photo.name,
        content_type=photo.content_type or "",
    )
    return claim


@login_required
def claim_status(request: AuthedRequest, number: str) -> HttpResponse:
    """The buyer's view: decision, files, timeline, and the appeal form while the deadline runs."""
    claim = selectors.claim_get_for(actor=request.user, number=number)
    if request.method == "POST" and "file" in request.FILES:
        return _add_evidence(request, claim)
    appeal = AppealForm(request.POST or None)
    if request.method == "POST" and appeal.is_valid():
        try:
            services.claim_appeal(actor=request.user, claim=claim, reason=appeal.cleaned_data["reason"])
        except DomainError as exc:
            appeal.add_error("reason", exc.detail)
        else:
            messages.success(request, _("申诉已提交，平台将介入处理。"))
            return redirect("evidence:status", number=number)
    is_buyer = (
        getattr(request.user, "customer", None) is not None and claim.buyer_id == request.user.customer.pk
    )
    can_appeal = (
        is_buyer
        and claim.status in APPEALABLE
        and claim.appeal_deadline is not None
        and timezone.now() <= claim.appeal_deadline
    )
    return render(
        request,
        "evidence/claim_status.html",
        {
            "claim": claim,
            "detail": presenters.claim_detail_for(request.user, claim),
            "appeal": appeal,
            "can_appeal": can_appeal,
            "more": MoreEvidenceForm(),
            "can_add": is_buyer and claim.status in OPEN_FOR_EVIDENCE,
        },
    )


def _add_evidence(request: AuthedRequest, claim: Claim) -> HttpResponse:
    """The buyer adds a photo or a video (asked for more evidence, or on their own while it is open)."""
    form = MoreEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            services.evidence_add(
                actor=request.user,
                claim=claim,
                kind=services.evidence_kind_for_upload(data=data),  # by content, not content type
                data=data,
                filename=upload.name,
                content_type=upload.content_type or "",
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("已收到，谢谢。"))
    else:
        messages.error(
            request, " ".join(str(m) for m in form.errors.get("file", [])) or _("请选择要上传的文件。")
        )
    return redirect("evidence:status", number=claim.number)


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """The review queue, filtered, newest first, 50 a page."""
    require(request.user, permissions.REVIEW)
    form = ClaimQueueForm(request.GET, actor=request.user)
    filters_or_400(form)
    page = page_of(selectors.claim_list_for(actor=request.user, **form.filters()), form.cleaned_data["page"])
    context = {"form": form, "page": page, "claims": page.object_list, "now": timezone.now()}
    return render(request, "evidence/queue.html", context)


@login_required
def queue_export(request: AuthedRequest) -> HttpResponse:
    """The filtered queue as CSV: the reviewer's scope only, no buyer data, at most EXPORT_ROW_LIMIT rows."""
    require(request.user, permissions.REVIEW)
    form = ClaimQueueForm(request.GET, actor=request.user)
    filters_or_400(form)
    claims = selectors.claim_list_for(actor=request.user, **form.filters())[:EXPORT_ROW_LIMIT]
    rows = presenters.claim_csv_rows(claims)
    return csv_response(f"claims-{timezone.localdate():%Y%m%d}.csv", presenters.claim_csv_header(), rows)


@login_required
def review(request: AuthedRequest, number: str) -> HttpResponse:
    require(request.user, permissions.REVIEW)
    claim = selectors.claim_get_for(actor=request.user, number=number)
    # An appealed claim is the platform's to settle (approve or reject); otherwise the merchant decides.
    arbitration = claim.status == ClaimStatus.APPEALED
    deciding = [permissions.ARBITRATE] if arbitration else list(permissions.DECIDE.values())
    can_decide = any(can(request.user, action, claim) for action in deciding)
    form = DecisionForm(request.POST or None, arbitration=arbitration)
    if request.method == "POST" and form.is_valid():
        decide = services.claim_arbitrate if arbitration else services.claim_decide
        try:
            decide(actor=request.user, claim=claim, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("已处理。"))
            return redirect("evidence:review", number=number)
    return render(
        request,
        "evidence/review.html",
        {
            "claim": claim,
            "detail": presenters.claim_detail_for(request.user, claim),
            "form": form,
            "arbitration": arbitration,
            "can_decide": can_decide,
        },
    )


@login_required
def heatmap(request: AuthedRequest, number: str, file_id: int) -> FileResponse:
    require(request.user, permissions.REVIEW)
    claim = selectors.claim_get_for(actor=request.user, number=number)
    evidence = selectors.claim_files(claim=claim).filter(pk=file_id).first()
    analysis = getattr(evidence, "analysis", None) if evidence else None
    if analysis is None or not analysis.heatmap:
        raise Http404
    return FileResponse(analysis.heatmap.open("rb"), content_type="image/png")
