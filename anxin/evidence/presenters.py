"""Turn models into API/page dictionaries (kept apart so views and the API stay thin)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.evidence import selectors
from anxin.evidence.choices import ClaimStatus, EventKind, EvidenceKind
from anxin.evidence.models import Claim, EvidenceFile


def claim_summary(claim: Claim) -> dict[str, Any]:
    return {
        "number": claim.number,
        "claim_type": claim.claim_type,
        "status": claim.status,
        "risk": claim.risk,
        "brand": claim.brand.code,
        "order_number": claim.order_number,
        "repair_order": claim.work_order.number if claim.work_order is not None else None,
        "amount_claimed": claim.amount_claimed,
        "created_at": claim.created_at,
    }


# How the analysis names earlier evidence: "<claim number>/<file id>" (the reuse index key).
CLAIM_REF = re.compile(r"(?<![0-9A-Za-z])(CL\d{6}[0-9A-F]{6})(?:/\d+)?")
# What a viewer reads instead of a claim number outside their scope. A brand's staff see their
# brands' claims, so a claim they cannot see belongs to another brand.
OTHER_BRAND_CLAIM = "其他品牌的申请"


def claim_numbers_visible(viewer: User | None, texts: Iterable[str]) -> set[str]:
    """The claim numbers mentioned in ``texts`` that ``viewer`` may see (one query, none if unmentioned)."""
    numbers = {match.group(1) for text in texts for match in CLAIM_REF.finditer(text)}
    if not numbers or viewer is None:
        return set()
    visible = selectors.claims_visible_to(viewer).filter(number__in=numbers)
    return set(visible.values_list("number", flat=True))


def redact_claim_refs(value: Any, visible: set[str]) -> Any:
    """``value`` (text, or lists/dicts of it) with every claim reference outside ``visible`` replaced."""
    if isinstance(value, str):
        return CLAIM_REF.sub(lambda m: m.group(0) if m.group(1) in visible else OTHER_BRAND_CLAIM, value)
    if isinstance(value, list):
        return [redact_claim_refs(item, visible) for item in value]
    if isinstance(value, dict):
        return {key: redact_claim_refs(item, visible) for key, item in value.items()}
    return value


def reasons_for(viewer: User | None, reasons: list[str]) -> list[str]:
    """Analysis reasons as ``viewer`` may read them: "seen before in CL…" only for claims in their scope."""
    return redact_claim_refs(reasons, claim_numbers_visible(viewer, reasons))


def shows_analysis(viewer: User | None) -> bool:
    """Buyers see what was received and decided, not how forgeries are detected."""
    return viewer is not None and role_of(viewer) != Role.CUSTOMER


def evidence_row(
    evidence: EvidenceFile, *, viewer: User | None = None, with_analysis: bool = True
) -> dict[str, Any]:
    analysis = getattr(evidence, "analysis", None) if with_analysis else None
    heatmap = None
    if analysis is not None and analysis.heatmap and evidence.claim is not None:
        heatmap = reverse("evidence:heatmap", args=[evidence.claim.number, evidence.pk])
    return {
        "id": evidence.pk,
        "kind": evidence.kind,
        "kind_label": EvidenceKind(evidence.kind).label,
        "filename": evidence.filename,
        "sha256": evidence.sha256,
        "size": evidence.size,
        "received_at": evidence.received_at,
        "risk": analysis.risk if analysis else None,
        "reasons": reasons_for(viewer, analysis.signals.get("reasons_zh", [])) if analysis else [],
        "heatmap_url": heatmap,
        "analysis": analysis,
    }


def claim_detail(claim: Claim, *, viewer: User | None, with_analysis: bool = True) -> dict[str, Any]:
    """``with_analysis=False`` for the buyer: what was received and decided, not how forgeries are detected.

    Reasons that name other claims are redacted to ``viewer``'s scope (None: every reference redacted).
    """
    summary = claim_summary(claim)
    if not with_analysis:
        summary["risk"] = None
    return {
        **summary,
        "amount_paid": claim.amount_paid,
        "appeal_deadline": claim.appeal_deadline,
        "files": [
            evidence_row(f, viewer=viewer, with_analysis=with_analysis)
            for f in selectors.claim_files(claim=claim).select_related("claim")
        ],
        "timeline": [
            {
                "at": e.created_at,
                "kind": e.kind,
                "kind_label": EventKind(e.kind).label,
                "old_status": e.old_status,
                "new_status": e.new_status,
                "old_label": _status_label(e.old_status),
                "new_label": _status_label(e.new_status),
                "decision": e.decision,
                "actor": e.actor.username if e.actor else None,
                "reason": e.reason,
            }
            for e in selectors.claim_timeline(claim=claim)
        ],
    }


def _status_label(status: str) -> str:
    return str(ClaimStatus(status).label) if status else ""


def claim_detail_for(viewer: User, claim: Claim) -> dict[str, Any]:
    return claim_detail(claim, viewer=viewer, with_analysis=shows_analysis(viewer))


def claim_csv_header() -> list[str]:
    return [
        _("编号"),
        _("类型"),
        _("状态"),
        _("证据风险"),
        _("品牌"),
        _("订单号"),
        _("维修工单"),
        _("申请金额"),
        _("提交时间"),
        _("处理期限"),
    ]


def claim_csv_rows(claims: Iterable[Claim]) -> Iterator[list[str]]:
    """The queue's columns; no buyer data (the queue shows none either)."""
    for claim in claims:
        yield [
            claim.number,
            claim.get_claim_type_display(),
            claim.get_status_display(),
            claim.get_risk_display(),
            claim.brand.name,
            claim.order_number,
            claim.work_order.number if claim.work_order is not None else "",
            str(claim.amount_claimed),
            _local(claim.created_at),
            _local(claim.respond_by),
        ]


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
