"""Writes for claims: create, add evidence, analyse, decide, appeal, arbitrate, export.

Every status change goes through ``_transition``: a conditional UPDATE on the expected old
status (so two reviewers cannot both decide) plus one ClaimEvent row, the timeline.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Collection
from decimal import Decimal
from typing import IO, Any

import cv2
import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.catalog.models import Brand, ProductModel
from anxin.core.exceptions import Conflict, ValidationFailed
from anxin.core.images import image_inspect
from anxin.customers.models import Customer
from anxin.evidence import presenters, selectors, video
from anxin.evidence.analysis import Report, analyze, image_hashes
from anxin.evidence.choices import (
    APPEALABLE,
    DECIDABLE,
    DECISION_STATUS,
    ClaimStatus,
    Decision,
    EventKind,
    EvidenceKind,
    Risk,
)
from anxin.evidence.detectors.base import EvidenceImage, UnreadableImage
from anxin.evidence.detectors.reference_match import ReferenceSet
from anxin.evidence.featurestore import FeatureStore, feature_store
from anxin.evidence.hashindex import DEFAULT_RADIUS, ImageHashes, chunks, local_features, to_signed64
from anxin.evidence.models import Claim, ClaimEvent, EvidenceAnalysis, EvidenceFile
from anxin.evidence.permissions import APPEAL, ARBITRATE, DECIDE, FILE
from anxin.notifications.customer_messages import message_delivery, message_render
from anxin.notifications.models import Notification
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorders_of_customer

IMAGE_KINDS = {EvidenceKind.CLAIM_PHOTO, EvidenceKind.SHIPPING_PHOTO, EvidenceKind.LISTING_PHOTO}
VIDEO_KINDS = {EvidenceKind.CLAIM_VIDEO, EvidenceKind.SHIPPING_VIDEO}
OPEN_FOR_EVIDENCE = {
    ClaimStatus.SUBMITTED,
    ClaimStatus.ANALYZING,
    ClaimStatus.REVIEW,
    ClaimStatus.MORE_EVIDENCE,
}
RISK_ORDER = {Risk.PENDING: -1, Risk.LOW: 0, Risk.MEDIUM: 1, Risk.HIGH: 2}
DEFAULT_APPEAL_DAYS = 3


def _event(
    *, claim: Claim, kind: str, actor: User | None, old: str = "", new: str = "", **extra: Any
) -> ClaimEvent:
    return ClaimEvent.objects.create(
        claim=claim, kind=kind, actor=actor, old_status=old, new_status=new, **extra
    )


# Who must act next and how long they have: the merchant in review, the buyer asked for more
# evidence, the platform on an appeal. Reminders go out before these deadlines.
PLATFORM_APPEAL_HOURS = 48
REMIND_BEFORE = dt.timedelta(hours=12)


def _respond_by(*, claim: Claim, status: str, now: dt.datetime) -> dt.datetime | None:
    rule = selectors.refund_rule_for(claim=claim)
    if status == ClaimStatus.REVIEW:
        return now + dt.timedelta(hours=rule.merchant_response_hours if rule else 48)
    if status == ClaimStatus.MORE_EVIDENCE:
        return now + dt.timedelta(days=rule.evidence_response_days if rule else 3)
    if status == ClaimStatus.APPEALED:
        return now + dt.timedelta(hours=PLATFORM_APPEAL_HOURS)
    return None


def _transition(
    *, claim: Claim, allowed_from: Collection[str], new: str, kind: str, actor: User | None, **extra: Any
) -> Claim:
    old = claim.status
    if old not in allowed_from:
        raise Conflict(
            gettext("退款申请当前为「%(old)s」，不能变为「%(new)s」")
            % {"old": ClaimStatus(old).label, "new": ClaimStatus(new).label},
            code="invalid_transition",
        )
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": new,
        "updated_at": now,
        "respond_by": _respond_by(claim=claim, status=new, now=now),
        "reminded_at": None,
    }
    fields.update(extra.pop("fields", {}))
    if Claim.objects.filter(pk=claim.pk, status=old).update(**fields) != 1:
        raise Conflict(gettext("退款申请已被他人修改，请刷新后重试"), code="stale")
    claim.refresh_from_db()
    _event(claim=claim, kind=kind, actor=actor, old=old, new=new, **extra)
    if kind in DECISION_EVENTS:
        _claim_decided_text_enqueue(claim=claim, now=now)
    return claim


# The buyer is texted when their claim is decided (by the merchant, the rules, or arbitration).
DECISION_EVENTS = frozenset({EventKind.DECIDED, EventKind.AUTO_APPROVED, EventKind.ARBITRATED})


def _claim_decided_text_enqueue(*, claim: Claim, now: dt.datetime) -> None:
    from anxin.evidence.tasks import claim_decided_text

    delivery = message_delivery(kind="claim_decided", opted_out=claim.buyer.messages_opted_out, at=now)
    if delivery.send:
        claim_decided_text.enqueue(claim_id=claim.pk, not_before=delivery.not_before)


@transaction.atomic
def claim_create(
    *,
    actor: User,
    buyer: Customer,
    brand: Brand,
    claim_type: str,
    order_number: str,
    amount_paid: Decimal,
    amount_claimed: Decimal,
    product_model: ProductModel | None = None,
    order_line: str = "",
    delivered_at: dt.datetime | None = None,
    description: str = "",
    repair_order: str = "",
) -> Claim:
    """A buyer's claim. ``repair_order`` names one of the buyer's own repair orders when the claim is
    about that repair (damage done on the visit, a part that failed): staff then see both together."""
    require(actor, FILE, buyer)
    if product_model is not None and product_model.brand_id != brand.pk:
        raise ValidationFailed(gettext("型号属于其他品牌"), field="product_model")
    if amount_claimed <= 0 or amount_claimed > amount_paid:
        raise ValidationFailed(gettext("申请金额应大于零且不超过实付金额"), field="amount_claimed")
    work_order = _repair_order_of(buyer=buyer, brand=brand, number=repair_order) if repair_order else None
    claim = Claim(
        work_order=work_order,
        number=f"CL{timezone.now():%y%m%d}{secrets.token_hex(3).upper()}",
        claim_type=claim_type,
        buyer=buyer,
        brand=brand,
        product_model=product_model,
        order_number=order_number,
        order_line=order_line,
        amount_paid=amount_paid,
        amount_claimed=amount_claimed,
        delivered_at=delivered_at,
        description=description,
    )
    rule = selectors.refund_rule_for(claim=claim)
    if rule and delivered_at and timezone.now() > delivered_at + dt.timedelta(days=rule.claim_deadline_days):
        raise ValidationFailed(
            gettext("退款申请须在签收后 %(days)s 天内提交") % {"days": rule.claim_deadline_days},
            field="delivered_at",
        )
    claim.full_clean()
    claim.save()
    _event(claim=claim, kind=EventKind.SUBMITTED, actor=actor, new=claim.status)
    return claim


def _repair_order_of(*, buyer: Customer, brand: Brand, number: str) -> WorkOrder:
    order = workorders_of_customer(customer_id=buyer.pk).filter(number=number.strip()).first()
    if order is None:  # the same answer for another customer's order: numbers reveal nothing
        raise ValidationFailed(gettext("这不是您的维修工单号"), field="repair_order")
    if order.brand_id is not None and order.brand_id != brand.pk:
        raise ValidationFailed(gettext("该维修工单属于其他品牌"), field="repair_order")
    return order


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    kind: str,
    data: bytes,
    filename: str,
    content_type: str = "",
    claim: Claim | None = None,
    product_model: ProductModel | None = None,
) -> EvidenceFile:
    """Store a file exactly as received and queue its analysis once the transaction commits.

    What the file is comes from its bytes (``content_type`` and ``filename`` are the client's claims):
    photos must be JPEG/PNG/WebP/HEIF/AVIF within the pixel limit, checked on the header before any
    decoding; videos must be MP4/MOV/3GP within the frame-size limit. The recorded content type is
    the sniffed one. A claim holds at most ``ANXIN_EVIDENCE_MAX_FILES_PER_CLAIM`` files and
    ``ANXIN_EVIDENCE_MAX_BYTES_PER_CLAIM`` bytes, checked under the claim's row lock.
    """
    evidence_size_check(size=len(data))
    _evidence_owner_check(kind=kind, claim=claim, product_model=product_model)
    content_type = _evidence_content_type(kind=kind, data=data, filename=filename)
    if claim is not None:
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status not in OPEN_FOR_EVIDENCE:
            raise Conflict(gettext("该退款申请已不再接受证据"), code="closed")
        _claim_capacity_check(claim=claim, adding=len(data))
    sha256 = hashlib.sha256(data).hexdigest()
    evidence = EvidenceFile(
        claim=claim,
        product_model=product_model,
        kind=kind,
        filename=filename[:200],
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        uploaded_by=actor,
    )
    evidence.file.save(f"{sha256}{_suffix(content_type)}", ContentFile(data), save=False)
    evidence.full_clean()
    evidence.save()
    if claim is not None:
        _claim_evidence_recorded(claim=claim, evidence=evidence, actor=actor)
    if kind in IMAGE_KINDS:
        from anxin.evidence.tasks import evidence_analyze_task

        transaction.on_commit(lambda: evidence_analyze_task(evidence.pk))
    return evidence


def _evidence_owner_check(*, kind: str, claim: Claim | None, product_model: ProductModel | None) -> None:
    """Listing photos belong to a product model, every other kind to a claim."""
    if kind == EvidenceKind.LISTING_PHOTO:
        if product_model is None or claim is not None:
            raise ValidationFailed(gettext("商品图片应属于某个型号"), field="kind")
    elif claim is None:
        raise ValidationFailed(gettext("证据应属于某个退款申请"), field="claim")


def _evidence_content_type(*, kind: str, data: bytes, filename: str) -> str:
    """The content type the bytes show, after checking they are a photo or video we accept for ``kind``."""
    if kind in IMAGE_KINDS:
        content_type = image_inspect(data, field="file").content_type
        try:
            EvidenceImage(data, name=filename)  # within the pixel limit now: a bounded decode
        except UnreadableImage as exc:
            raise ValidationFailed(gettext("无法读取该图片"), field="file", code="unsupported_image") from exc
        return content_type
    if kind in VIDEO_KINDS:
        return video.video_inspect(data, field="file").content_type
    raise ValidationFailed(gettext("未知的证据类型"), field="kind")


def _claim_evidence_recorded(*, claim: Claim, evidence: EvidenceFile, actor: User) -> None:
    """The claim's timeline entry for a new file; a claim photo (re)starts its analysis, shipping
    evidence re-runs the analysed claim photos against it."""
    added = {"file": evidence.pk, "kind": evidence.kind, "sha256": evidence.sha256}
    if evidence.kind == EvidenceKind.CLAIM_PHOTO and claim.status != ClaimStatus.ANALYZING:
        # A new claim photo (re)starts the analysis: one event records both.
        _transition(
            claim=claim,
            allowed_from=OPEN_FOR_EVIDENCE,
            new=ClaimStatus.ANALYZING,
            kind=EventKind.EVIDENCE_ADDED,
            actor=actor,
            data=added,
            fields={"risk": Risk.PENDING},
        )
    else:
        _event(claim=claim, kind=EventKind.EVIDENCE_ADDED, actor=actor, data=added)
    if evidence.kind in (EvidenceKind.SHIPPING_PHOTO, EvidenceKind.SHIPPING_VIDEO):
        _reanalyze_claim_photos_after_commit(claim=claim)


def evidence_size_check(*, size: int | None) -> None:
    """Refuse an empty or oversized upload; views call it with the upload's size before reading it."""
    limit = settings.ANXIN_EVIDENCE_MAX_FILE_BYTES
    if not size or size > limit:
        raise ValidationFailed(
            gettext("文件为空或超过 %(mb)s MB") % {"mb": limit // (1024 * 1024)},
            field="file",
            code="file_size",
        )


def evidence_kind_for_upload(*, data: bytes) -> str:
    """Photo or video, decided by the bytes (the buyer's page takes either through one field)."""
    return EvidenceKind.CLAIM_VIDEO if video.container_type(data) else EvidenceKind.CLAIM_PHOTO


def _claim_capacity_check(*, claim: Claim, adding: int) -> None:
    held = claim.files.aggregate(count=Count("id"), size=Sum("size"))
    if held["count"] >= settings.ANXIN_EVIDENCE_MAX_FILES_PER_CLAIM:
        raise ValidationFailed(
            gettext("每个退款申请最多 %(count)s 个文件")
            % {"count": settings.ANXIN_EVIDENCE_MAX_FILES_PER_CLAIM},
            field="file",
            code="claim_file_limit",
        )
    if (held["size"] or 0) + adding > settings.ANXIN_EVIDENCE_MAX_BYTES_PER_CLAIM:
        limit_mb = settings.ANXIN_EVIDENCE_MAX_BYTES_PER_CLAIM // (1024 * 1024)
        raise ValidationFailed(
            gettext("每个退款申请的证据最多 %(mb)s MB") % {"mb": limit_mb},
            field="file",
            code="claim_bytes_limit",
        )


def _reanalyze_claim_photos_after_commit(*, claim: Claim) -> None:
    """Shipping evidence that arrives after the claim photos were analysed becomes a reference too."""
    from anxin.evidence.tasks import evidence_reanalyze_task

    analysed = list(
        claim.files.filter(kind=EvidenceKind.CLAIM_PHOTO, analysis__isnull=False).values_list("pk", flat=True)
    )
    for file_id in analysed:
        transaction.on_commit(functools.partial(evidence_reanalyze_task, file_id))


# Stored names end in the suffix of the type the bytes showed, never the client's: a JPEG named
# "x.html" must not be served as a page by anything that guesses the type from the name.
SUFFIX_FOR_TYPE = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heif": ".heic",
    "image/avif": ".avif",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/3gpp": ".3gp",
    "video/3gpp2": ".3g2",
}


def _suffix(content_type: str) -> str:
    return SUFFIX_FOR_TYPE.get(content_type, ".bin")


def evidence_analyze(*, file_id: int, refresh: bool = False) -> EvidenceAnalysis | None:
    """Index the file's perceptual hash; for a claim photo run every check and update the claim.

    Idempotent: a retried task finds the analysis and stops. ``refresh`` re-runs a claim photo's
    analysis against references that arrived later (the merchant's shipping photos or video).
    """
    evidence = EvidenceFile.objects.select_related("claim").get(pk=file_id)
    previous = EvidenceAnalysis.objects.filter(file=evidence).first()
    if previous is not None and not refresh:
        return previous
    with evidence.file.open("rb") as handle:
        image = EvidenceImage(handle.read(), name=evidence.filename)
    claim = evidence.claim
    hashes = image_hashes(image)
    report = None
    if evidence.kind == EvidenceKind.CLAIM_PHOTO and claim is not None:
        report = _claim_photo_report(evidence=evidence, claim=claim, image=image, hashes=hashes)
    with transaction.atomic():
        _hashes_store(evidence=evidence, hashes=hashes)
        if report is None or claim is None:
            return None
        if previous is not None:
            previous.delete()  # the file itself is never altered; only our reading of it is replaced
        analysis = _analysis_save(evidence=evidence, report=report)
        _claim_after_analysis(claim=Claim.objects.select_for_update().get(pk=claim.pk))
    return analysis


def _references_for(*, claim: Claim) -> ReferenceSet:
    """The seller's photos of the product (shipping photos, video frames, listing photos) to compare with."""
    references = ReferenceSet()
    for ref in selectors.reference_files_for(claim=claim):
        with ref.file.open("rb") as handle:
            data = handle.read()
        if ref.kind == EvidenceKind.SHIPPING_VIDEO:
            for number, frame in enumerate(video.frames(data)):
                references.add(f"#{ref.pk} frame {number + 1}", frame, kind="shipping")
            continue
        kind = "shipping" if ref.kind == EvidenceKind.SHIPPING_PHOTO else "listing"
        references.add(f"#{ref.pk}", EvidenceImage(data).bgr, kind=kind)
    return references


def _claim_photo_report(
    *, evidence: EvidenceFile, claim: Claim, image: EvidenceImage, hashes: ImageHashes
) -> Report:
    """Every check on a claim photo: references, near hashes of other claims, reuse of earlier photos."""
    references = _references_for(claim=claim)
    index = selectors.hash_index_near(hashes=hashes, radius=DEFAULT_RADIUS, exclude_claim_id=claim.pk)
    store = reuse_store()
    report = analyze(
        image,
        references=references,
        index=index,
        received_at=evidence.received_at,
        exclude_keys=tuple(
            reuse_key(claim_number=claim.number, file_id=pk)
            for pk in claim.files.values_list("pk", flat=True)
        ),
        feature_index=store.index(),
        load_earlier=earlier_photo,
    )
    # Recorded before the database write: a retry after a failed write finds the key and skips it.
    store.add(reuse_key(claim_number=claim.number, file_id=evidence.pk), local_features(image.bgr))
    return report


def _hashes_store(*, evidence: EvidenceFile, hashes: ImageHashes) -> None:
    parts = chunks(hashes.phash)
    EvidenceFile.objects.filter(pk=evidence.pk).update(
        phash=to_signed64(hashes.phash),
        dhash=to_signed64(hashes.dhash),
        phash_c0=parts[0],
        phash_c1=parts[1],
        phash_c2=parts[2],
        phash_c3=parts[3],
    )


def _analysis_save(*, evidence: EvidenceFile, report: Report) -> EvidenceAnalysis:
    analysis = EvidenceAnalysis(
        file=evidence, risk=report.risk, signals=report.as_dict(), engine_seconds=report.seconds
    )
    if report.heatmap is not None:
        ok, png = cv2.imencode(".png", report.heatmap)
        if ok:
            analysis.heatmap.save(f"{evidence.sha256}.png", ContentFile(png.tobytes()), save=False)
    analysis.save()
    return analysis


def reuse_key(*, claim_number: str, file_id: int) -> str:
    """How the reuse index names a claim photo (and how a reused photo's reason names the earlier one)."""
    return f"{claim_number}/{file_id}"


def reuse_store() -> FeatureStore:
    """This process's copy of the local-feature reuse index (only the evidence worker writes it)."""
    return feature_store(str(settings.ANXIN_EVIDENCE_INDEX_DIR))


def earlier_photo(key: str) -> np.ndarray | None:
    """The pixels of the indexed photo ``key`` (None if it is gone or unreadable: no verdict then)."""
    number, _, file_id = key.rpartition("/")
    if not file_id.isdigit():
        return None
    earlier = EvidenceFile.objects.filter(
        pk=int(file_id), claim__number=number, kind=EvidenceKind.CLAIM_PHOTO
    ).first()
    if earlier is None:
        return None
    try:
        with earlier.file.open("rb") as handle:
            return EvidenceImage(handle.read(), name=earlier.filename).bgr
    except (OSError, UnreadableImage):
        return None


def _claim_after_analysis(*, claim: Claim) -> None:
    photos = list(claim.files.filter(kind=EvidenceKind.CLAIM_PHOTO).select_related("analysis"))
    analyses = [getattr(photo, "analysis", None) for photo in photos]
    if not photos or any(a is None for a in analyses):
        return
    risk = max((a.risk for a in analyses if a), key=lambda r: RISK_ORDER[r])
    Claim.objects.filter(pk=claim.pk).update(risk=risk)
    claim.risk = risk
    if claim.status != ClaimStatus.ANALYZING:
        return
    reasons = [reason for a in analyses if a for reason in a.signals.get("reasons_zh", [])]
    claim = _transition(
        claim=claim,
        allowed_from={ClaimStatus.ANALYZING},
        new=ClaimStatus.REVIEW,
        kind=EventKind.ANALYZED,
        actor=None,
        data={"risk": risk, "reasons": reasons[:10]},
    )
    if _may_auto_approve(claim=claim, photos=len(photos)):
        _transition(
            claim=claim,
            allowed_from={ClaimStatus.REVIEW},
            new=ClaimStatus.APPROVED,
            kind=EventKind.AUTO_APPROVED,
            actor=None,
            decision=Decision.APPROVE,
            reason="规则允许自动同意，证据分析为低风险",
            fields={"decided_at": timezone.now()},
        )


def _may_auto_approve(*, claim: Claim, photos: int) -> bool:
    """Only a low-risk claim within the brand's rule; any medium or strong signal needs a person."""
    rule = selectors.refund_rule_for(claim=claim)
    if rule is None or not rule.auto_approve or claim.risk != Risk.LOW:
        return False
    present = set(claim.files.values_list("kind", flat=True))
    return (
        claim.amount_claimed <= rule.auto_approve_max_amount
        and photos >= rule.min_claim_photos
        and set(rule.required_kinds) <= present
    )


@transaction.atomic
def claim_decide(*, actor: User, claim: Claim, decision: str, reason: str = "") -> Claim:
    if decision not in DECISION_STATUS:
        raise ValidationFailed(gettext("未知的处理决定"), field="decision")
    require(actor, DECIDE[decision], claim)
    if decision != Decision.APPROVE and not reason.strip():
        raise ValidationFailed(gettext("请向买家说明理由"), field="reason")
    if decision == Decision.APPROVE and claim.risk in (Risk.HIGH, Risk.PENDING) and not reason.strip():
        raise ValidationFailed(gettext("批准高风险或未分析的退款申请需要记录理由"), field="reason")
    new = DECISION_STATUS[Decision(decision)]
    fields: dict[str, Any] = {"decided_at": timezone.now()}
    if new in APPEALABLE:
        rule = selectors.refund_rule_for(claim=claim)
        fields["appeal_deadline"] = timezone.now() + dt.timedelta(
            days=rule.appeal_days if rule else DEFAULT_APPEAL_DAYS
        )
    return _transition(
        claim=claim,
        allowed_from=DECIDABLE,
        new=new,
        kind=EventKind.DECIDED,
        actor=actor,
        decision=decision,
        reason=reason,
        fields=fields,
    )


@transaction.atomic
def claim_appeal(*, actor: User, claim: Claim, reason: str) -> Claim:
    require(actor, APPEAL, claim)
    if not reason.strip():
        raise ValidationFailed(gettext("请说明您不同意的理由"), field="reason")
    if claim.appeal_deadline is None or timezone.now() > claim.appeal_deadline:
        raise ValidationFailed(gettext("申诉期已结束"), field="reason", code="appeal_expired")
    return _transition(
        claim=claim,
        allowed_from=APPEALABLE,
        new=ClaimStatus.APPEALED,
        kind=EventKind.APPEALED,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def claim_arbitrate(*, actor: User, claim: Claim, decision: str, reason: str) -> Claim:
    require(actor, ARBITRATE, claim)
    if decision not in (Decision.APPROVE, Decision.REJECT):
        raise ValidationFailed(gettext("仲裁只能批准或驳回"), field="decision")
    if not reason.strip():
        raise ValidationFailed(gettext("仲裁需要理由"), field="reason")
    new = ClaimStatus.APPROVED if decision == Decision.APPROVE else ClaimStatus.CLOSED
    return _transition(
        claim=claim,
        allowed_from={ClaimStatus.APPEALED},
        new=new,
        kind=EventKind.ARBITRATED,
        actor=actor,
        decision=decision,
        reason=reason,
        fields={"decided_at": timezone.now()},
    )


BUNDLE_CHUNK = 1024 * 1024


def claim_bundle(*, claim: Claim, viewer: User) -> IO[bytes]:
    """One zip: the original files byte for byte, their hashes, an HTML report and the full timeline.

    Built in an anonymous temporary file, each evidence file copied a chunk at a time, so a claim
    with many large videos never sits in memory; the caller streams the returned file and closes it.
    The viewer sees what the claim page shows them: buyers get no analysis (heat maps, reasons), and
    other claims' numbers outside the viewer's scope are redacted.
    """
    with_analysis = presenters.shows_analysis(viewer)
    files = list(selectors.claim_files(claim=claim))
    events = list(selectors.claim_timeline(claim=claim))
    manifest = _bundle_manifest(files)
    timeline = _bundle_timeline(events, with_analysis=with_analysis)
    reasons = {
        f.pk: f.analysis.signals.get("reasons_zh", [])
        for f in files
        if with_analysis and getattr(f, "analysis", None) is not None
    }
    # Other claims named in the timeline or the reasons are redacted unless the viewer may see them.
    mentioned = [json.dumps(timeline, ensure_ascii=False), *(r for rs in reasons.values() for r in rs)]
    visible = presenters.claim_numbers_visible(viewer, mentioned) | {claim.number}
    timeline = presenters.redact_claim_refs(timeline, visible)
    rows = [
        {"file": f, "reasons": presenters.redact_claim_refs(reasons.get(f.pk, []), visible)} for f in files
    ]
    report = render_to_string(
        "evidence/bundle_report.html",
        {"claim": claim, "rows": rows, "events": events, "with_analysis": with_analysis},
    )
    bundle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    try:
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
            _bundle_files_write(archive, manifest, files, with_analysis=with_analysis)
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            archive.writestr("timeline.json", json.dumps(timeline, ensure_ascii=False, indent=2))
            archive.writestr("report.html", report)
            checksums = "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in manifest)
            archive.writestr("SHA256SUMS", checksums)
    except BaseException:
        bundle.close()
        raise
    bundle.seek(0)
    return bundle


def _bundle_manifest(files: list[EvidenceFile]) -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "kind": f.kind,
            "filename": f.filename,
            "sha256": f.sha256,
            "size": f.size,
            "received_at": f.received_at.isoformat(),
            "path": f"files/{f.pk}-{f.sha256[:12]}{_suffix(f.content_type)}",
        }
        for f in files
    ]


def _bundle_timeline(events: list[ClaimEvent], *, with_analysis: bool) -> list[dict[str, Any]]:
    """The claim's events; without the analysis' reasons for viewers who may not see the analysis."""
    return [
        {
            "at": e.created_at.isoformat(),
            "kind": e.kind,
            "old": e.old_status,
            "new": e.new_status,
            "decision": e.decision,
            "actor": e.actor.username if e.actor else None,
            "reason": e.reason,
            "data": e.data if with_analysis else {k: v for k, v in e.data.items() if k != "reasons"},
        }
        for e in events
    ]


def _bundle_files_write(
    archive: zipfile.ZipFile,
    manifest: list[dict[str, Any]],
    files: list[EvidenceFile],
    *,
    with_analysis: bool,
) -> None:
    """Each evidence file byte for byte at its manifest path, and its heat map for viewers of the analysis."""
    for entry, evidence in zip(manifest, files, strict=True):
        # Photos and videos are compressed already: store them as they are.
        _zip_copy(archive, entry["path"], evidence.file, compress=zipfile.ZIP_STORED)
        analysis = getattr(evidence, "analysis", None)
        if with_analysis and analysis is not None and analysis.heatmap:
            _zip_copy(archive, f"heatmaps/{evidence.pk}.png", analysis.heatmap)


def _zip_copy(
    archive: zipfile.ZipFile, path: str, stored: Any, *, compress: int = zipfile.ZIP_DEFLATED
) -> None:
    info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = compress
    with stored.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, BUNDLE_CHUNK)


def claim_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind whoever must act on a claim 12 hours before their deadline (and once more if it passes).

    The buyer asked for more evidence gets an SMS, sent by a durable job so that a carrier outage
    is retried with backoff (the reminder itself is claimed here once, so this sweep never re-sends
    it); merchants and the platform get a timeline entry and the claim is marked overdue in their
    queue. Conditional updates make it safe to run anywhere.
    """
    from anxin.evidence.tasks import claim_reminder_text

    now = now or timezone.now()
    sent = 0
    due = Claim.objects.select_related("buyer").filter(
        respond_by__isnull=False, respond_by__lte=now + REMIND_BEFORE
    )
    for claim in due.filter(
        Q(reminded_at__isnull=True) | Q(respond_by__lte=now, reminded_at__lt=F("respond_by"))
    ):
        if not Claim.objects.filter(pk=claim.pk, reminded_at=claim.reminded_at).update(reminded_at=now):
            continue
        assert claim.respond_by is not None  # respond_by__isnull=False above
        overdue = claim.respond_by <= now
        whom_by_status: dict[str, str] = {
            ClaimStatus.MORE_EVIDENCE: "buyer",
            ClaimStatus.APPEALED: "platform",
        }
        whom = whom_by_status.get(claim.status, "merchant")
        note = (
            f"{'overdue' if overdue else 'due'} {timezone.localtime(claim.respond_by):%m-%d %H:%M} ({whom})"
        )
        _event(
            claim=claim, kind=EventKind.REMINDED, actor=None, old=claim.status, new=claim.status, reason=note
        )
        if whom == "buyer" and claim.buyer.phone:
            claim_reminder_text.enqueue(claim_id=claim.pk)
        sent += 1
    return sent


def claim_decided_text_send(*, claim_id: int) -> Notification | None:
    """The buyer's SMS saying how their claim was decided, in their language, with its page's link.

    Called by the ``claim_decided_text`` durable job: a provider failure raises, and the job retries.
    """
    from anxin.notifications.services import sms_send

    claim = Claim.objects.select_related("buyer").filter(pk=claim_id).first()
    if claim is None or not claim.buyer.phone:
        return None
    with translation.override(claim.buyer.language):
        decision = str(ClaimStatus(claim.status).label)
    text = message_render(
        kind="claim_decided",
        language=claim.buyer.language,
        number=claim.number,
        decision=decision,
        link=settings.ANXIN_PUBLIC_URL + reverse("evidence:status", kwargs={"number": claim.number}),
    )
    return sms_send(kind="claim_decided", phone=claim.buyer.phone, text=text)


def claim_reminder_text_send(*, claim_id: int) -> Notification | None:
    """The buyer's SMS asking for more evidence by the deadline; nothing once the buyer has answered.

    Called by the ``claim_reminder_text`` durable job: a provider failure raises, and the job retries.
    """
    from anxin.notifications.services import sms_send

    claim = Claim.objects.select_related("buyer").filter(pk=claim_id).first()
    if claim is None or claim.status != ClaimStatus.MORE_EVIDENCE or claim.respond_by is None:
        return None
    if not claim.buyer.phone:
        return None
    deadline = timezone.localtime(claim.respond_by)
    return sms_send(
        kind="claim_reminder",
        phone=claim.buyer.phone,
        text=f"【安心】您的售后申请 {claim.number} 需要补充证据，请在 {deadline:%m-%d %H:%M} 前上传。",
    )
