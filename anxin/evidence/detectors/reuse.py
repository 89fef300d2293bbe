"""Reuse: the same picture (or a near copy) already used as evidence elsewhere.

Two indexes answer it. The global-hash index (``HashIndex``, pHash + dHash) catches the same
picture recompressed or resized. The local-feature index (``FeatureIndex``) also catches it after
a crop (up to a quarter of the frame), mirroring, a small rotation, a colour filter and strong
recompression: its candidates are then verified (the earlier photo, moved by the matched
similarity transform, must line up with the claim tile by tile), because a *new* photo of the same product shares printed
texture with earlier photos of it and must not be called a reuse.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ..hashindex import (
    DEFAULT_RADIUS,
    FeatureHit,
    FeatureIndex,
    HashIndex,
    Hit,
    ImageHashes,
    local_features,
    normalised_gray,
    same_view,
    verification_view,
)
from .base import Signal, Strength

CHECK = "reuse"
# Both hashes close: the same picture after recompression or resizing.
NEAR_COPY_PHASH = 6
NEAR_COPY_DHASH = 8
VERIFY_CANDIDATES = 4  # feature-index candidates verified against their pixels (a few ms each)
# Strongest claim descriptors looked up per orientation (of QUERY_FEATURES computed): the IVF scan
# cost is proportional to it. 100 x 2 probes found 30/30 reused photos at 1 M photos and 16 384
# lists, as many as 200 x 2, but lost one on the tuning half that 100 x 3 finds; 64 or 80 x 3
# lose other answers (docs/benchmarks/evidence.md, fourth follow-up).
QUERY_LOOKUP = 100

ImageLoader = Callable[[str], np.ndarray | None]


def _reused(matches: list[dict[str, object]], how: str) -> Signal:
    best = matches[0]
    return Signal(
        CHECK,
        "reused",
        Strength.STRONG,
        f"Same picture already submitted as evidence ({best['key']}, {how}).",
        f"该图片已在其他申请中作为证据提交过（{best['key']}）。",
        # ``matches[*].key`` is the earlier evidence's reference (claim number / file id): a structured
        # field, so callers never parse it out of the sentence.
        {"matches": matches[:10], "method": how},
    )


def feature_candidates(
    claim_bgr: np.ndarray, index: FeatureIndex, *, mirrored: bool = False, exclude: tuple[str, ...] = ()
) -> list[FeatureHit]:
    """Earlier photos sharing geometrically consistent local features with the claim (or its mirror).

    ``claim_bgr`` may also be the claim's ``normalised_gray`` (then it is not resized again).
    """
    query = local_features(claim_bgr, mirrored=mirrored).strongest(QUERY_LOOKUP)
    return index.search(query, mirrored=mirrored, exclude=exclude)


class _Verifier:
    """Verifies candidates of one claim: each picture's comparison view is made once per check."""

    def __init__(self, claim_gray: np.ndarray, loader: ImageLoader) -> None:
        self.claim_gray, self.loader = claim_gray, loader
        self.claim_views: dict[bool, np.ndarray] = {}
        self.earlier_views: dict[str, np.ndarray | None] = {}

    def share(self, hit: FeatureHit) -> float | None:
        """Share of agreeing tiles when the hit is the same picture, else None."""
        if hit.key not in self.earlier_views:
            earlier = self.loader(hit.key)
            self.earlier_views[hit.key] = (
                None if earlier is None else verification_view(normalised_gray(earlier))
            )
        earlier_view = self.earlier_views[hit.key]
        if earlier_view is None:
            return None
        if hit.mirrored not in self.claim_views:
            gray = cv2.flip(self.claim_gray, 1) if hit.mirrored else self.claim_gray
            self.claim_views[hit.mirrored] = verification_view(gray)
        same, share = same_view(earlier_view, self.claim_views[hit.mirrored], hit)
        return share if same else None


def check(
    hashes: ImageHashes,
    index: HashIndex | None,
    *,
    exclude: tuple[str, ...] = (),
    feature_index: FeatureIndex | None = None,
    claim_bgr: np.ndarray | None = None,
    loader: ImageLoader | None = None,
) -> Signal:
    if (index is None or len(index) == 0) and (feature_index is None or len(feature_index) == 0):
        return Signal(
            CHECK, "no_index", Strength.NONE, "No earlier evidence to compare with.", "无历史证据可比对。"
        )
    hits: list[Hit] = [
        hit
        for hit in (index.search(hashes, radius=DEFAULT_RADIUS, exclude=exclude) if index is not None else [])
        if hit.phash_distance <= NEAR_COPY_PHASH and hit.dhash_distance <= NEAR_COPY_DHASH
    ]
    if hits:
        return _reused(
            [{"key": h.key, "phash": h.phash_distance, "dhash": h.dhash_distance} for h in hits],
            f"pHash distance {hits[0].phash_distance}",
        )
    if feature_index is not None and claim_bgr is not None and len(feature_index):
        # The mirror image is searched only when the photo as sent verifies against nothing: a
        # plain reuse (most of them) costs one ORB pass and one lookup.
        candidates: list[FeatureHit] = []
        claim_gray = normalised_gray(claim_bgr)  # one resize serves both orientations and verification
        verifier = _Verifier(claim_gray, loader) if loader is not None else None
        for mirrored in (False, True):
            found = feature_candidates(claim_gray, feature_index, mirrored=mirrored, exclude=exclude)
            candidates = sorted(candidates + found, key=lambda hit: (-hit.inliers, hit.key))
            # Per orientation: a photo's plain-pass hit may be spurious while its mirror hit is right.
            for hit in found[:VERIFY_CANDIDATES]:
                verified = verifier.share(hit) if verifier is not None else None
                if verified is not None:
                    return _reused(
                        [
                            {
                                "key": hit.key,
                                "inliers": hit.inliers,
                                "mirrored": hit.mirrored,
                                "agreement": round(verified, 3),
                            }
                        ],
                        f"{hit.inliers} matching local features, {verified:.0%} of the frame lines up",
                    )
        if candidates:
            return Signal(
                CHECK,
                "similar",
                Strength.NONE,
                "Shares features with earlier evidence (same product) but is a different photograph.",
                "与历史证据有相同特征（同款商品），但为不同的照片。",
                {"candidates": [{"key": h.key, "inliers": h.inliers} for h in candidates[:3]]},
            )
    return Signal(CHECK, "new", Strength.NONE, "Not seen in earlier evidence.", "未在历史证据中出现。")
