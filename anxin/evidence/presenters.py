"""Turn models into API/page dictionaries (kept apart so views and the API stay thin)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

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
        "amount_claimed": claim.amount_claimed,
        "created_at": claim.created_at,
    }


def evidence_row(evidence: EvidenceFile, *, with_analysis: bool = True) -> dict[str, Any]:
    analysis = getattr(evidence, "analysis", None) if with_analysis else None
    heatmap = None
    if analysis is not None and analysis.heatmap and evidence.claim_id:
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
        "reasons": analysis.signals.get("reasons_zh", []) if analysis else [],
        "heatmap_url": heatmap,
        "analysis": analysis,
    }


def claim_detail(claim: Claim, *, with_analysis: bool = True) -> dict[str, Any]:
    """``with_analysis=False`` for the buyer: what was received and decided, not how forgeries are detected."""
    summary = claim_summary(claim)
    if not with_analysis:
        summary["risk"] = None
    return {
        **summary,
        "amount_paid": claim.amount_paid,
        "appeal_deadline": claim.appeal_deadline,
        "files": [
            evidence_row(f, with_analysis=with_analysis)
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


def claim_detail_for(viewer, claim: Claim) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from anxin.accounts.choices import Role
    from anxin.accounts.permissions import role_of

    return claim_detail(claim, with_analysis=role_of(viewer) != Role.CUSTOMER)
