"""Reads, always scoped to the actor: a view never fetches a claim by number without them."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from anxin.accounts.choices import OPERATIONS_ROLES, Role
from anxin.accounts.models import User
from anxin.accounts.permissions import can, role_of
from anxin.catalog.models import Brand, ProductModel
from anxin.core.exceptions import NotFound
from anxin.evidence.choices import ClaimStatus, EvidenceKind
from anxin.evidence.hashindex import HashIndex, ImageHashes, from_signed64, probe_values
from anxin.evidence.models import Claim, ClaimEvent, EvidenceFile, RefundRule
from anxin.evidence.permissions import ARBITRATE
from anxin.workorders.models import WorkOrder


def claims_visible_to(actor: User) -> QuerySet[Claim]:
    claims = Claim.objects.select_related("brand", "product_model", "work_order")
    role = role_of(actor)
    if role in OPERATIONS_ROLES:
        return claims
    if role == Role.BRAND_STAFF:
        return claims.filter(brand__in=actor.brands.all())
    if role == Role.CUSTOMER:
        return claims.filter(buyer__user=actor)
    return claims.none()


def claim_get_for(*, actor: User, number: str) -> Claim:
    claim = claims_visible_to(actor).filter(number=number).first()
    if claim is None:
        raise NotFound(gettext("退款申请不存在"))
    return claim


TO_DECIDE = "to_decide"  # the queue's status filter value for "waiting on a decision"


def claim_statuses_to_decide(*, actor: User) -> frozenset[str]:
    """What waits on a decision: the merchant's review; for the platform also appeals to arbitrate."""
    if can(actor, ARBITRATE):
        return frozenset({ClaimStatus.REVIEW, ClaimStatus.APPEALED})
    return frozenset({ClaimStatus.REVIEW})


def claim_list_for(
    *,
    actor: User,
    status: str | None = None,
    brand_code: str = "",
    created_since: dt.datetime | None = None,
    created_until: dt.datetime | None = None,
) -> QuerySet[Claim]:
    """The review queue, newest first; ``status`` is a ClaimStatus value or TO_DECIDE; dates are [since, until)."""
    claims = claims_visible_to(actor).order_by("-created_at")
    if status == TO_DECIDE:
        claims = claims.filter(status__in=claim_statuses_to_decide(actor=actor))
    elif status:
        claims = claims.filter(status=status)
    if brand_code:
        claims = claims.filter(brand__code=brand_code)
    if created_since:
        claims = claims.filter(created_at__gte=created_since)
    if created_until:
        claims = claims.filter(created_at__lt=created_until)
    return claims


def claim_list_for_order(*, order: WorkOrder) -> QuerySet[Claim]:
    """The claims filed about one repair order, for its customer's page (reached by its link)."""
    return Claim.objects.filter(work_order=order).order_by("-created_at")


def claim_timeline(*, claim: Claim) -> QuerySet[ClaimEvent]:
    return claim.events.select_related("actor").order_by("created_at", "id")


def claim_files(*, claim: Claim) -> QuerySet[EvidenceFile]:
    return claim.files.select_related("analysis").order_by("received_at", "id")


def refund_rule_for(*, claim: Claim) -> RefundRule | None:
    return RefundRule.objects.filter(brand=claim.brand_id, claim_type=claim.claim_type).first()


def reference_files_for(*, claim: Claim) -> list[EvidenceFile]:
    """Pictures a claim photo must not be copied from: the model's listing photos, this order's
    shipping photos and videos (whose frames are used)."""
    listing = (
        Q(kind=EvidenceKind.LISTING_PHOTO, product_model=claim.product_model_id)
        if claim.product_model_id
        else Q(pk__in=[])
    )
    shipping = Q(kind__in=[EvidenceKind.SHIPPING_PHOTO, EvidenceKind.SHIPPING_VIDEO], claim=claim)
    return list(EvidenceFile.objects.filter(listing | shipping).order_by("id"))


def hash_index_near(*, hashes: ImageHashes, radius: int, exclude_claim_id: int | None) -> HashIndex:
    """Earlier evidence whose pHash may be within ``radius``: one indexed query over the four chunk columns."""
    probes = probe_values(hashes.phash, radius)
    query = Q()
    for position, values in enumerate(probes):
        query |= Q(**{f"phash_c{position}__in": values})
    candidates = EvidenceFile.objects.filter(query, phash__isnull=False).exclude(
        kind=EvidenceKind.LISTING_PHOTO
    )
    if exclude_claim_id is not None:
        candidates = candidates.exclude(claim_id=exclude_claim_id)
    index = HashIndex()
    for row in candidates.values("id", "claim__number", "phash", "dhash"):
        key = f"{row['claim__number'] or 'file'}/{row['id']}"
        # phash__isnull=False above; dhash is written with it
        index.add(
            key, ImageHashes(from_signed64(cast(int, row["phash"])), from_signed64(cast(int, row["dhash"])))
        )
    return index


def brand_by_code(*, code: str) -> Brand:
    brand = Brand.objects.filter(code=code).first()
    if brand is None:
        raise NotFound(gettext("品牌不存在"))
    return brand


def product_model_for_brand(*, brand: Brand, model_id: int | None) -> ProductModel | None:
    if model_id is None:
        return None
    model = ProductModel.objects.filter(pk=model_id, brand=brand).first()
    if model is None:
        raise NotFound(gettext("该品牌没有此型号"))
    return model


def product_model_for_staff(*, actor: User, model_id: int) -> ProductModel:
    """A model whose listing photos ``actor`` may manage: their brands' models (admins: any)."""
    models = ProductModel.objects.select_related("brand")
    if role_of(actor) != Role.ADMIN:
        models = models.filter(brand__in=actor.brands.all())
    model = models.filter(pk=model_id).first()
    if model is None:
        raise NotFound(gettext("型号不存在"))
    return model
