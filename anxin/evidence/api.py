"""/api/v1/claims: refund and damage claims, their evidence, decisions, appeals and arbitration."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext
from ninja import File, Form, Router, Status

from anxin.accounts.auth import api_auth
from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import PermissionDenied
from anxin.core.schemas import errors
from anxin.evidence import permissions, presenters, selectors, services
from anxin.evidence.choices import EvidenceKind
from anxin.evidence.schemas import (
    AppealIn,
    ArbitrationIn,
    ClaimCreateIn,
    ClaimDetailOut,
    ClaimSummaryOut,
    DecisionIn,
    EvidenceFile,
    EvidenceOut,
)

router = Router(auth=api_auth, tags=["claims"])
ERRORS = errors(400, 401, 403, 404, 409, 413, 422)
# Which action of the permission table uploading each kind of evidence to a claim is.
UPLOAD_ACTIONS = {
    EvidenceKind.CLAIM_PHOTO: permissions.ADD_CLAIM_FILES,
    EvidenceKind.CLAIM_VIDEO: permissions.ADD_CLAIM_FILES,
    EvidenceKind.SHIPPING_PHOTO: permissions.ADD_SHIPPING_FILES,
    EvidenceKind.SHIPPING_VIDEO: permissions.ADD_SHIPPING_FILES,
}


@router.post("", response={201: ClaimDetailOut, **ERRORS})
def claim_create(request: AuthedRequest, payload: ClaimCreateIn) -> Status:
    """A buyer files a claim for one order line."""
    buyer = getattr(request.auth, "customer", None)
    if buyer is None:
        raise PermissionDenied(gettext("您的账户没有客户资料"))
    brand = selectors.brand_by_code(code=payload.brand)
    data = payload.dict(exclude={"brand", "product_model_id"})
    model = selectors.product_model_for_brand(brand=brand, model_id=payload.product_model_id)
    claim = services.claim_create(actor=request.auth, buyer=buyer, brand=brand, product_model=model, **data)
    return Status(201, presenters.claim_detail_for(request.auth, claim))


@router.get("", response={200: list[ClaimSummaryOut], **ERRORS})
def claim_list(request: AuthedRequest, status: str | None = None) -> list[dict[str, Any]]:
    """Claims the caller may see: their own (buyer), their brands' (staff), all (platform)."""
    return [
        presenters.claim_summary(c) for c in selectors.claim_list_for(actor=request.auth, status=status)[:200]
    ]


@router.get("/{number}", response={200: ClaimDetailOut, **ERRORS})
def claim_detail(request: AuthedRequest, number: str) -> dict[str, Any]:
    return presenters.claim_detail_for(
        request.auth, selectors.claim_get_for(actor=request.auth, number=number)
    )


@router.post("/{number}/evidence", response={201: EvidenceOut, **ERRORS})
def evidence_upload(
    request: AuthedRequest, number: str, kind: Form[EvidenceKind], file: File[EvidenceFile]
) -> Status:
    """Upload one photo or video; it is stored unaltered and analysed in the background.

    The bytes must match ``kind`` (a photo: JPEG, PNG, WebP, HEIF, AVIF; a video: MP4, MOV, 3GP);
    anything else, SVG and HTML included, is answered 422 naming ``file``.
    """
    if kind not in UPLOAD_ACTIONS:
        raise PermissionDenied(gettext("您的角色不能上传此类证据"))
    require(request.auth, UPLOAD_ACTIONS[kind])  # 403 for a role that may never, before the lookup
    claim = selectors.claim_get_for(actor=request.auth, number=number)
    require(request.auth, UPLOAD_ACTIONS[kind], claim)
    services.evidence_size_check(size=file.size)
    evidence = services.evidence_add(
        actor=request.auth,
        claim=claim,
        kind=kind,
        data=file.read(),
        filename=file.name or "upload",
        content_type=file.content_type or "",
    )
    evidence.refresh_from_db()
    return Status(201, presenters.evidence_row(evidence, viewer=request.auth))


@router.post("/models/{model_id}/listing-photos", response={201: EvidenceOut, **ERRORS})
def listing_photo_upload(request: AuthedRequest, model_id: int, file: File[EvidenceFile]) -> Status:
    """Brand staff register a product model's listing photo, the reference forgeries are made from."""
    require(request.auth, permissions.LISTING_PHOTOS)
    model = selectors.product_model_for_staff(actor=request.auth, model_id=model_id)
    require(request.auth, permissions.LISTING_PHOTOS, model)
    services.evidence_size_check(size=file.size)
    evidence = services.evidence_add(
        actor=request.auth,
        product_model=model,
        kind=EvidenceKind.LISTING_PHOTO,
        data=file.read(),
        filename=file.name or "listing",
        content_type=file.content_type or "",
    )
    return Status(201, presenters.evidence_row(evidence, viewer=request.auth))


@router.post("/{number}/decision", response={200: ClaimDetailOut, **ERRORS})
def claim_decide(request: AuthedRequest, number: str, payload: DecisionIn) -> dict[str, Any]:
    claim = selectors.claim_get_for(actor=request.auth, number=number)
    claim = services.claim_decide(
        actor=request.auth, claim=claim, decision=payload.decision, reason=payload.reason
    )
    return presenters.claim_detail_for(request.auth, claim)


@router.post("/{number}/appeal", response={200: ClaimDetailOut, **ERRORS})
def claim_appeal(request: AuthedRequest, number: str, payload: AppealIn) -> dict[str, Any]:
    claim = selectors.claim_get_for(actor=request.auth, number=number)
    return presenters.claim_detail_for(
        request.auth, services.claim_appeal(actor=request.auth, claim=claim, reason=payload.reason)
    )


@router.post("/{number}/arbitration", response={200: ClaimDetailOut, **ERRORS})
def claim_arbitrate(request: AuthedRequest, number: str, payload: ArbitrationIn) -> dict[str, Any]:
    claim = selectors.claim_get_for(actor=request.auth, number=number)
    claim = services.claim_arbitrate(
        actor=request.auth, claim=claim, decision=payload.decision, reason=payload.reason
    )
    return presenters.claim_detail_for(request.auth, claim)


@router.get("/{number}/bundle", response={200: None, **ERRORS})
def claim_bundle(request: AuthedRequest, number: str) -> FileResponse:
    """The evidence bundle: original files, hashes, HTML report and timeline in one zip (streamed)."""
    claim = selectors.claim_get_for(actor=request.auth, number=number)
    return FileResponse(
        services.claim_bundle(claim=claim, viewer=request.auth),
        as_attachment=True,
        filename=f"claim-{claim.number}.zip",
        content_type="application/zip",
    )
