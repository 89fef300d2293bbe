"""Claim-side test data: a buyer with a customer profile, claims, rules and image bytes."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.customers.services import phone_blind_index
from anxin.evidence import services
from anxin.evidence.models import Claim, RefundRule
from anxin.testing import evidence_photos as T


def make_buyer(username: str = "buyer") -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, role=Role.CUSTOMER)
    Customer.objects.create(
        user=user, name="张三", phone="13800000000", phone_index=phone_blind_index("13800000000")
    )
    return user


def make_claim(
    *, buyer: User, brand, product_model=None, claim_type: str = "refund_only", amount: str = "199.00"
) -> Claim:
    return services.claim_create(
        actor=buyer,
        buyer=buyer.customer,
        brand=brand,
        product_model=product_model,
        claim_type=claim_type,
        order_number="TB20260701001",
        amount_paid=Decimal("299.00"),
        amount_claimed=Decimal(amount),
    )


def make_rule(
    *, brand, claim_type: str = "refund_only", auto_approve: bool = True, limit: str = "500.00"
) -> RefundRule:
    return RefundRule.objects.create(
        brand=brand,
        claim_type=claim_type,
        required_kinds=["claim_photo"],
        auto_approve=auto_approve,
        auto_approve_max_amount=Decimal(limit),
        appeal_days=3,
    )


MODEL_SEED = 21


def listing_bytes() -> bytes:
    return T.encode(T.render(T.make_model(MODEL_SEED), np.random.default_rng(1), studio=True), quality=95)


def listing_pixels() -> np.ndarray:
    return T.render(T.make_model(MODEL_SEED), np.random.default_rng(1), studio=True)


def genuine_bytes(seed: int = 2) -> bytes:
    photo = T.render(T.make_model(MODEL_SEED), np.random.default_rng(seed), damage="crack")
    height, width = photo.shape[:2]
    return T.encode(photo, exif=T.camera_exif(size=(width, height)))


def forged_bytes() -> bytes:
    return T.encode(T.draw_stain(listing_pixels(), np.random.default_rng(5)), quality=85)


def clip_bytes(frames: int = 6, size: tuple[int, int] = (160, 120)) -> bytes:
    """A real, tiny MP4 clip (OpenCV's mp4v writer)."""
    import tempfile
    from pathlib import Path

    import cv2

    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "clip.mp4")
        writer = cv2.VideoWriter(path, cv2.VideoWriter.fourcc(*"mp4v"), 10, size)
        for i in range(frames):
            writer.write(np.full((size[1], size[0], 3), 40 + i * 20, np.uint8))
        writer.release()
        return Path(path).read_bytes()
