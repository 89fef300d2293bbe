"""Claim actions in the permission table: filing, evidence, each merchant decision, appeal, arbitration.

The brand's after-sales staff decide their brands' claims; the platform (admin) may decide any and
alone arbitrates an appeal; hotline agents read the queue to answer buyers but decide nothing.
"""

from __future__ import annotations

from typing import Any

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import Action, Scope, action_declare
from anxin.evidence.choices import Decision

C, BS, ADM, A = Role.CUSTOMER, Role.BRAND_STAFF, Role.ADMIN, Role.AGENT
MERCHANT: dict[str, Scope] = {BS: Scope.BRAND, ADM: Scope.ALL}


def claim_in_scope(user: User, scope: Scope, obj: Any) -> bool:
    """OWN: the buyer's own claim (or, when filing, the buyer is the user); BRAND: the staff's brands."""
    if scope == Scope.ALL:
        return True
    if scope == Scope.BRAND:
        return user.brands.filter(pk=obj.brand_id).exists()
    buyer = getattr(obj, "buyer", obj)
    return buyer.user_id == user.pk


def _declare(key: str, label: str, grants: dict[str, Scope]) -> Action:
    return action_declare(f"evidence.{key}", label, grants, in_scope=claim_in_scope)


FILE = _declare("claim_file", "file a refund claim", {C: Scope.OWN})
ADD_CLAIM_FILES = _declare("add_claim_files", "add photos or videos to a claim", {C: Scope.OWN})
ADD_SHIPPING_FILES = _declare("add_shipping_files", "add shipping photos or videos to a claim", MERCHANT)
LISTING_PHOTOS = _declare("listing_photos", "manage a product model's listing photos", MERCHANT)
REVIEW = _declare("review", "open the claim review queue", {**MERCHANT, A: Scope.ALL})
# One action per merchant decision, keyed by Decision value.
DECIDE: dict[str, Action] = {
    Decision.APPROVE: _declare("decide_approve", "approve a claim", MERCHANT),
    Decision.REJECT: _declare("decide_reject", "reject a claim", MERCHANT),
    Decision.ASK_MORE: _declare("decide_ask_more", "ask the buyer for more evidence", MERCHANT),
    Decision.PROPOSE_REPAIR: _declare("decide_propose_repair", "propose a repair", MERCHANT),
    Decision.PROPOSE_REPLACEMENT: _declare("decide_propose_replacement", "propose a replacement", MERCHANT),
}
APPEAL = _declare("appeal", "appeal a claim decision", {C: Scope.OWN})
ARBITRATE = _declare("arbitrate", "arbitrate an appealed claim", {ADM: Scope.ALL})
