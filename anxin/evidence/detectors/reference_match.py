"""Derived from the merchant's own picture: is the claim photo a geometric copy of a reference?

References are the model's listing photos and this order's shipping photos/frames. A genuine
photo of a damaged item is a new photograph: different viewpoint, lighting, background and noise,
so at most one flat face lines up with a reference. A forgery made from a listing photo lines up
with it almost everywhere after one homography and one global tone curve (filters, recompression
and resizing included). Where it does *not* line up is what was painted in: that residual is the
heat map.

Pipeline per reference: ORB features -> ratio-test matches -> RANSAC homography -> warp the
reference onto the claim -> fit a per-channel tone curve -> blurred residual -> agreement share
and changed regions. The claim is also tried mirrored, since ORB is not mirror-invariant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import faiss
import numpy as np

from ..hashindex import ImageHashes, compute_hashes, tile_labels
from .base import Signal, Strength, downscale

CHECK = "reference_match"
MATCH_SIDE = 640  # features are found at this size
COMPARE_SIDE = 320  # pixels are compared at this size (enough for 8x8 tiles and a heat map)
ORB_FEATURES = 1000
RATIO = 0.8
MIN_INLIERS = 15
AGREE_RESIDUAL = 16.0  # grey levels: a pixel "agrees" below this after tone fitting
MAX_EXCLUDED_BLOBS = 2
MAX_EXCLUDED_AREA = 0.25
TILE_AGREE = 0.8  # share of a tile's considered pixels that must agree for the tile to agree
CHANGE_RESIDUAL = 40.0  # grey levels: a pixel is "changed" above this
COPY_AGREEMENT = 0.78  # share of overlap tiles that agree: a geometric copy (tuned on seed 1)
# Shipping photos are phone photos of the very item, so a buyer's close-up of the same flat front
# panel can agree almost as well as a copy does: demand more (see docs/benchmarks/evidence.md).
COPY_AGREEMENT_SHIPPING = 0.9
MIN_OVERLAP = 0.10  # share of the claim frame the warped reference must cover
MIN_CHANGE_AREA = 0.0025  # share of the overlap a changed region must cover to be reported
# Localizing a copy's change at MATCH_SIDE: thin cracks are small there, so accept smaller regions
# but only clearly changed pixels (JPEG chroma artefacts around saturated text stay below this).
LOCALIZE_RESIDUAL = 60.0
LOCALIZE_MIN_AREA = 0.001
# Flat, textureless tiles (a dark backdrop, a white sweep) agree between any two photos taken on
# the same backdrop; a copy must also agree where there is something to see.
TEXTURE_GRADIENT = 6.0  # mean gradient magnitude (grey levels / px) of a "textured" tile
MIN_TEXTURED_TILES = 6
TEXTURED_GATE = 0.5  # below this share of agreeing textured tiles, they cap the agreement
EDGE_GRADIENT = 40.0  # Sobel |dx|+|dy| (blurred) of a clear edge at COMPARE_SIDE
EDGE_AGREEMENT = 0.8  # share of edge pixels that must agree for a copy (tuning half, seed 1)
CROP_ZOOM = 0.8
# A motion-blurred or soft photo has few corners above the FAST threshold (the scikit-image clock
# photo: 26 at 640 px), too few for a homography after laundering: look again for fainter ones.
FEW_KEYPOINTS = 300
FAINT_FAST_THRESHOLD = 4
PHASH_COPY = 6  # bits: same picture even where features are too few to fit a homography
# A copy means the *photo* was reused, not that the same object appears: the reused picture fills
# most of the claim frame. Another catalog view that shows a close-up listing photo shrunk into a
# corner of its frame (a duffel bag's strap and badge) matches there, and only there.
COPY_COVER = 0.5  # share of the claim frame the warped reference must cover for a copy
# A close-up photo of the same product matches part of a listing photo enlarged. A copy enlarged
# that much is the reference's pixels blown up: it cannot hold finer detail than they do, whereas a
# new close-up resolves texture (fabric weave, print edges) the enlarged reference lacks.
MAGNIFIED = 1.25  # linear scale from the reference (its own pixels, up to DETAIL_SIDE) to the claim
DETAIL_SIDE = 1280  # the reference is kept at up to this size for the detail test
DETAIL_RATIO = 1.75  # claim fine detail / enlarged reference's (median tile) above this: photographed anew

_ORB: dict[int, cv2.ORB] = {}


def _orb(fast_threshold: int = 12) -> cv2.ORB:
    if fast_threshold not in _ORB:
        _ORB[fast_threshold] = cv2.ORB.create(nfeatures=ORB_FEATURES, fastThreshold=fast_threshold)
    return _ORB[fast_threshold]


@dataclass
class Features:
    bgr: np.ndarray
    keypoints: np.ndarray  # (n, 2) float32 coordinates
    descriptors: np.ndarray | None
    _search: faiss.IndexBinaryFlat | None = field(default=None, repr=False)
    # ``bgr`` times ``zoom`` (the shrunk search variant): the detail test needs the claim as sent.
    zoom: float = 1.0
    unzoomed: np.ndarray | None = field(default=None, repr=False)
    # Views of this picture every comparison with it needs (see ``view``), made once per claim.
    _views: dict[tuple[str, int], np.ndarray] | None = field(default=None, repr=False)

    def view(self, kind: str, side: int) -> np.ndarray:
        """The picture at ``side`` ("bgr"), lightly blurred in float32 ("smooth"), or its blurred
        gradient magnitude ("gradient"): the same for every reference and homography."""
        if self._views is None:
            self._views = {}
        key = (kind, side)
        if key not in self._views:
            if kind == "bgr":
                made = downscale(self.bgr, side)
            elif kind == "smooth":
                made = cv2.GaussianBlur(self.view("bgr", side), (0, 0), 0.8).astype(np.float32)
            else:
                gray = cv2.cvtColor(self.view("bgr", side), cv2.COLOR_BGR2GRAY).astype(np.float32)
                made = cv2.GaussianBlur(
                    np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1)),
                    (0, 0),
                    2.0,
                )
            self._views[key] = made
        return self._views[key]

    def nearest_two(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hamming distances and indices of each query descriptor's two nearest descriptors here.

        faiss's binary flat search is ~4x faster than OpenCV's brute-force matcher on one core;
        the index over a claim's descriptors is built once and searched by every reference.
        """
        if self._search is None:
            self._search = faiss.IndexBinaryFlat(256)
            self._search.add(self.descriptors)
        return self._search.search(query, 2)

    @classmethod
    def of(cls, bgr: np.ndarray, zoom: float = 1.0) -> Features:
        """Features at MATCH_SIDE (small pictures are enlarged to it), times ``zoom``."""
        small = unzoomed = downscale(bgr, MATCH_SIDE)
        factor = MATCH_SIDE / max(small.shape[:2]) * zoom
        if abs(factor - 1.0) > 0.01:
            # A copy resized to half size has its features at other pyramid levels: bring it back.
            # A cropped copy shows everything larger: ``zoom`` < 1 shrinks it back (see ``match``).
            small = cv2.resize(
                small,
                None,
                fx=factor,
                fy=factor,
                interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
            )
        # Sensor noise and JPEG blocking make FAST fire on noise; a light blur keeps the real corners.
        gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (0, 0), 1.0)
        keypoints, descriptors = _orb().detectAndCompute(gray, None)
        if len(keypoints) < FEW_KEYPOINTS:
            keypoints, descriptors = _orb(FAINT_FAST_THRESHOLD).detectAndCompute(gray, None)
        # (x, y) float32 as in kp.pt; OpenCV gives back an empty tuple for no keypoints
        points = (
            np.asarray(cv2.KeyPoint.convert(keypoints), np.float32).reshape(-1, 2)
            if keypoints
            else np.zeros((0, 2), np.float32)
        )
        if zoom == 1.0:
            return cls(bgr=small, keypoints=points, descriptors=descriptors)
        unzoomed = cv2.resize(
            unzoomed, None, fx=factor / zoom, fy=factor / zoom, interpolation=cv2.INTER_LINEAR
        )
        return cls(bgr=small, keypoints=points, descriptors=descriptors, zoom=zoom, unzoomed=unzoomed)


@dataclass
class Reference:
    key: str
    kind: str
    features: Features
    hashes: ImageHashes
    # The picture as given, shrunk to DETAIL_SIDE when larger (for ``_detail_ratio``).
    detail: np.ndarray | None = field(default=None, repr=False)


@dataclass
class MatchResult:
    reference: str
    kind: str
    inliers: int
    overlap: float
    agreement: float
    changed_area: float
    regions: list[dict[str, Any]]
    mirrored: bool
    phash_distance: int
    inlier_ratio: float = 1.0
    edge_agreement: float = 1.0
    magnification: float = 1.0  # linear scale from the reference (as held) to the claim
    detail_ratio: float = 0.0  # claim's fine detail / enlarged reference's (only when magnified)
    # reference, claim features, homography, colour transform: what ``_localize`` redoes at MATCH_SIDE
    source: tuple[Reference, Features, np.ndarray, np.ndarray | None] | None = field(default=None, repr=False)
    residual: np.ndarray | None = field(default=None, repr=False)
    valid: np.ndarray | None = field(default=None, repr=False)
    claim_bgr: np.ndarray | None = field(default=None, repr=False)

    def summary(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "kind": self.kind,
            "inliers": self.inliers,
            "overlap": round(self.overlap, 3),
            "agreement": round(self.agreement, 3),
            "changed_area": round(self.changed_area, 4),
            "regions": self.regions,
            "mirrored": self.mirrored,
            "phash_distance": self.phash_distance,
            "inlier_ratio": round(self.inlier_ratio, 3),
            "edge_agreement": round(self.edge_agreement, 3),
            "magnification": round(self.magnification, 2),
            "detail_ratio": round(self.detail_ratio, 2),
        }

    @property
    def photographed_anew(self) -> bool:
        """Aligned with the reference, but not its photo reused (see COPY_COVER and MAGNIFIED)."""
        return self.overlap < COPY_COVER or self.detail_ratio > DETAIL_RATIO


class ReferenceSet:
    """The pictures a claim photo must not be copied from, with features computed once."""

    def __init__(self) -> None:
        self.references: list[Reference] = []

    def __len__(self) -> int:
        return len(self.references)

    def add(self, key: str, bgr: np.ndarray, *, kind: str = "listing") -> None:
        rgb = cv2.cvtColor(downscale(bgr, MATCH_SIDE), cv2.COLOR_BGR2RGB)
        # The features' copy of a small picture is enlarged to MATCH_SIDE: keep its own pixels.
        detail = downscale(bgr, DETAIL_SIDE)
        self.references.append(Reference(key, kind, Features.of(bgr), compute_hashes(rgb), detail))


def _homography(ref: Features, claim: Features) -> tuple[np.ndarray, int, float] | None:
    if ref.descriptors is None or claim.descriptors is None or len(ref.keypoints) < MIN_INLIERS:
        return None
    distances, nearest = claim.nearest_two(ref.descriptors)
    good = np.flatnonzero((nearest[:, 1] >= 0) & (distances[:, 0] < RATIO * distances[:, 1]))
    if len(good) < MIN_INLIERS:
        return None
    src = ref.keypoints[good]
    dst = claim.keypoints[nearest[good, 0]]
    homography, mask = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, 2.5, maxIters=2000, confidence=0.995)
    if homography is None:
        return None
    inliers = int(mask.sum())
    det = float(np.linalg.det(homography[:2, :2]))
    if inliers < MIN_INLIERS or not 0.02 < abs(det) < 50:
        return None
    return homography, inliers, inliers / len(good)


def _design(values: np.ndarray) -> np.ndarray:
    """The ten terms of the colour transform for (n, 3) colours scaled to 0..1."""
    r, g, b = values[:, 0], values[:, 1], values[:, 2]
    terms = np.empty((len(values), 10), values.dtype)
    terms[:, 0] = 1.0
    terms[:, 1:4] = values
    terms[:, 4], terms[:, 5], terms[:, 6] = r * r, g * g, b * b
    terms[:, 7], terms[:, 8], terms[:, 9] = r * g, r * b, g * b
    return terms


NORMAL_EQUATIONS_MAX_CONDITION = 1e8  # of the normal matrix: 1e4 for the design itself


def _tone_coefficients(reference: np.ndarray, claim: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Fit claim colours from reference colours with one global quadratic colour transform (10, 3).

    Ten terms per output channel (1, r, g, b, r², g², b², rg, rb, gb) cover what filters do:
    gamma, contrast, saturation, tint and channel mixing. It has no spatial term, so it cannot
    explain a change of lighting across the frame: that is what a new photograph has.
    """
    where = np.flatnonzero(mask)
    if len(where) > 20000:
        where = where[np.linspace(0, len(where) - 1, 20000).astype(int)]
    ref = reference.reshape(-1, 3)[where] / 255.0
    target = claim.reshape(-1, 3)[where] / 255.0
    design = _design(ref)
    coefficients = _least_squares(design, target)
    # Refit without the worst pixels so the painted damage does not bend the colour transform.
    error = np.abs(design @ coefficients - target)
    error = np.maximum(np.maximum(error[:, 0], error[:, 1]), error[:, 2])  # 30x faster than max(axis=1)
    keep = error <= np.quantile(error, 0.8)
    if keep.sum() > 50:
        coefficients = _least_squares(design[keep], target[keep])
    return coefficients


def _least_squares(design: np.ndarray, target: np.ndarray) -> np.ndarray:
    # The 10x10 normal equations cost a sixth of an SVD of the 20000x10 design, but square its
    # condition number: a design with few distinct colours (a render, a flat backdrop) is solved
    # the careful way, so both give the same answer to ~1e-13.
    normal = design.T @ design
    if np.linalg.cond(normal) < NORMAL_EQUATIONS_MAX_CONDITION:
        return np.linalg.solve(normal, design.T @ target)
    return np.linalg.lstsq(design, target, rcond=None)[0]


def _tone_apply(reference: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """The reference's colours (float32 H x W x 3, 0..255) through the fitted transform."""
    # Channels read straight from the float32 picture: the same products as splitting a copy.
    scale = np.float32(1 / 255)
    r, g, b = (reference[..., channel] * scale for channel in range(3))
    terms = (r, g, b, r * r, g * g, b * b, r * g, r * b, g * b)
    weights = (coefficients * 255.0).astype(np.float32)
    channels = []
    for out in range(3):
        predicted = np.full(r.shape, weights[0, out], np.float32)
        for term, weight in zip(terms, weights[1:, out], strict=True):
            predicted += weight * term
        # Clip: the quadratic extrapolates wildly for colours the fit barely saw (a saturated display).
        channels.append(np.clip(predicted, 0, 255, out=predicted))
    return cv2.merge(channels)


def _tile_agreement(
    agree: np.ndarray, considered: np.ndarray, textured: np.ndarray | None = None, grid: int = 8
) -> tuple[float, float, int]:
    """Share of tiles where most considered pixels agree: one painted region spoils only a few tiles.

    Returns (all tiles, textured tiles only, number of textured tiles); ``textured`` marks pixels
    with visible structure in the claim. Tile ``i`` spans rows ``i*h//grid .. (i+1)*h//grid``.
    """
    labels = tile_labels(agree.shape, grid)
    cells = grid * grid
    size = np.bincount(labels.ravel(), minlength=cells)
    count = np.bincount(labels[considered], minlength=cells)
    agreeing = np.bincount(labels[considered & agree], minlength=cells)
    used = count >= 0.05 * size
    tile_good = used & (agreeing / np.maximum(count, 1) >= TILE_AGREE)
    total, good = int(used.sum()), int(tile_good.sum())
    good_textured = total_textured = 0
    if textured is not None:
        textured_count = np.bincount(labels[considered & textured], minlength=cells)
        is_textured = used & (textured_count / np.maximum(count, 1) >= 0.25)
        total_textured, good_textured = int(is_textured.sum()), int((is_textured & tile_good).sum())
    return (
        good / total if total else 0.0,
        good_textured / total_textured if total_textured else 0.0,
        total_textured,
    )


def _residual(
    ref: Reference,
    claim: Features,
    homography: np.ndarray,
    side: int,
    *,
    chroma_weight: float = 1.0,
    coefficients: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Claim pixels at ``side``, how far each is from the tone-fitted, warped reference, the valid
    mask and the colour transform (fitted here unless ``coefficients`` are given).

    With ``chroma_weight`` 1 the distance is the largest per-channel (BGR) difference; below 1 it
    is measured as luma plus damped chroma, which ignores JPEG's chroma-subsampling fringes.
    """
    claim_bgr = claim.view("bgr", side)
    height, width = claim_bgr.shape[:2]
    scale = width / claim.bgr.shape[1]
    homography = np.diag([scale, scale, 1.0]) @ homography
    warped = cv2.warpPerspective(ref.features.bgr, homography, (width, height), flags=cv2.INTER_AREA)
    valid_u8 = cv2.warpPerspective(
        np.full(ref.features.bgr.shape[:2], 255, np.uint8),
        homography,
        (width, height),
        flags=cv2.INTER_NEAREST,
    )
    valid = cv2.erode(valid_u8, np.ones((3, 3), np.uint8)) > 0
    if valid.sum() < 100:
        return claim_bgr, np.zeros(valid.shape, np.float32), valid, None
    claim_f = claim.view("smooth", side)
    warped_f = cv2.GaussianBlur(warped, (0, 0), 0.8).astype(np.float32)
    if coefficients is None:
        coefficients = _tone_coefficients(warped_f, claim_f, valid)
    predicted = _tone_apply(warped_f, coefficients)
    # A laundered copy (rotated, perspective-warped, resampled twice) can sit a pixel off the fitted
    # homography; on fine texture that alone reads as "different". So a claim pixel is compared with
    # the range its reference neighbourhood spans (3x3 min..max): a new photograph differs in light
    # and content, which no one-pixel slack repairs.
    kernel = np.ones((3, 3), np.uint8)
    above = claim_f - cv2.dilate(predicted, kernel)
    below = cv2.erode(predicted, kernel) - claim_f
    np.maximum(above, 0, out=above)
    np.maximum(below, 0, out=below)
    if chroma_weight < 1.0:
        signed = above - below
        d_b, d_g, d_r = signed[..., 0], signed[..., 1], signed[..., 2]
        d_y = 0.114 * d_b + 0.587 * d_g + 0.299 * d_r
        distance = np.maximum(np.abs(d_y), chroma_weight * np.maximum(np.abs(d_r - d_y), np.abs(d_b - d_y)))
    else:
        summed = above + below  # one of the two is zero at each pixel
        distance = np.maximum(np.maximum(summed[..., 0], summed[..., 1]), summed[..., 2])
    residual = cv2.GaussianBlur(distance, (0, 0), 1.0)
    residual[~valid] = 0
    return claim_bgr, residual, valid, coefficients


def _changed(
    residual: np.ndarray,
    valid: np.ndarray,
    threshold: float = CHANGE_RESIDUAL,
    min_area: float = MIN_CHANGE_AREA,
) -> tuple[int, np.ndarray, np.ndarray, list[dict[str, float]]]:
    """Connected regions above ``threshold``, as shares of the frame, largest first."""
    height, width = residual.shape
    changed = ((residual > threshold) & valid).astype(np.uint8)
    changed = cv2.morphologyEx(changed, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(changed, connectivity=8)
    valid_area = max(float(valid.sum()), 1.0)
    regions = []
    for index in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[index])
        if area / valid_area >= min_area:
            regions.append(
                {"x": x / width, "y": y / height, "w": w / width, "h": h / height, "area": area / valid_area}
            )
    regions.sort(key=lambda region: -region["area"])
    return count, labels, stats, regions


def _compare(
    ref: Reference, claim: Features, homography: np.ndarray, inliers: int, inlier_ratio: float, mirrored: bool
) -> MatchResult:
    """Warp the reference onto the claim (at COMPARE_SIDE) and measure where the pixels agree."""
    claim_bgr, residual, valid, coefficients = _residual(ref, claim, homography, COMPARE_SIDE)
    overlap = float(valid.mean())
    if valid.sum() < 100:
        return MatchResult(ref.key, ref.kind, inliers, overlap, 0.0, 0.0, [], mirrored, 64, inlier_ratio)
    count, labels, stats, regions = _changed(residual, valid)
    valid_area = float(valid.sum())
    # Agreement is judged outside the few largest changed blobs, so a big painted stain does not
    # hide that everything around it is a pixel copy. A new photograph differs all over instead,
    # so removing two blobs (capped at a quarter of the overlap) leaves it disagreeing.
    order: np.ndarray | list[int] = (
        np.argsort(-stats[1:, cv2.CC_STAT_AREA])[:MAX_EXCLUDED_BLOBS] + 1 if count > 1 else []
    )
    largest = [i for i in order if stats[i, cv2.CC_STAT_AREA] / valid_area <= MAX_EXCLUDED_AREA]
    considered = valid
    if largest:
        blobs = cv2.dilate(np.isin(labels, largest).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        considered = valid & ~blobs
    # Every tile counts, flat ones too: after one global colour transform a studio sweep stays a
    # studio sweep, whereas a buyer's wall, floor and sensor noise do not fit it.
    gradient = claim.view("gradient", COMPARE_SIDE)
    agree = residual < AGREE_RESIDUAL
    every, textured, textured_tiles = _tile_agreement(agree, considered, gradient > TEXTURE_GRADIENT)
    # Edges are where two different objects on one backdrop part ways: a copy's edges coincide
    # with the reference's (within the one-pixel slack), another object's edges do not.
    edges = considered & (gradient > EDGE_GRADIENT)
    edge_agreement = float(agree[edges].mean()) if edges.sum() >= 200 else 0.0
    # A copy must agree on the whole overlap, where there is texture, and along the edges; with
    # too little texture in the overlap (a flat backdrop, a blank wall) there is nothing to copy.
    # Textured tiles are a gate, not the score: a painted break on a studio shot covers a large
    # share of the few textured tiles, so scoring on them alone would hide a copy.
    if textured_tiles < MIN_TEXTURED_TILES:
        agreement = 0.0
    else:
        agreement = every if textured >= TEXTURED_GATE else min(every, textured)
    if edge_agreement < EDGE_AGREEMENT:
        agreement = min(agreement, edge_agreement)
    result = MatchResult(
        ref.key,
        ref.kind,
        inliers,
        overlap,
        agreement,
        0.0,
        [],
        mirrored,
        64,
        inlier_ratio,
        residual=residual,
        valid=valid,
        claim_bgr=claim_bgr,
    )
    result.edge_agreement = edge_agreement
    result.magnification, result.detail_ratio = _detail_ratio(ref, claim, homography)
    _set_regions(result, regions)
    result.source = (ref, claim, homography, coefficients)
    return result


def _magnification(homography: np.ndarray, claim_shape: tuple[int, ...]) -> float:
    """Linear scale of ``homography`` (reference -> claim) where it lands on the claim's centre."""
    height, width = claim_shape[:2]
    centre = np.linalg.solve(homography, np.array([width / 2, height / 2, 1.0]))
    x, y = centre[0] / centre[2], centre[1] / centre[2]
    linear, shift, row = homography[:2, :2], homography[:2, 2], homography[2, :2]
    depth = float(row @ (x, y) + homography[2, 2])
    jacobian = (linear * depth - np.outer(linear @ (x, y) + shift, row)) / depth**2
    return float(np.sqrt(abs(np.linalg.det(jacobian))))


def _fine_detail(bgr: np.ndarray) -> np.ndarray:
    """|grey - blurred grey| per pixel (grey levels): texture finer than ~3 px."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return cv2.absdiff(gray, cv2.GaussianBlur(gray, (0, 0), 1.5))


def _detail_ratio(ref: Reference, claim: Features, homography: np.ndarray) -> tuple[float, float]:
    """(magnification, detail ratio): how much finer the claim's texture is than the reference's
    pixels enlarged onto it. Measured only when the claim enlarges the reference by MAGNIFIED or
    more, from the reference at the largest size held, so a copy made from a large listing photo
    is not mistaken for a new close-up."""
    source = ref.detail if ref.detail is not None else ref.features.bgr
    scale = ref.features.bgr.shape[1] / source.shape[1]
    # source pixels -> the claim's pixels as sent (not the shrunk copy the zoomed search matched)
    homography = np.diag([1 / claim.zoom, 1 / claim.zoom, 1.0]) @ homography @ np.diag([scale, scale, 1.0])
    picture = claim.unzoomed if claim.unzoomed is not None else claim.bgr
    magnification = _magnification(homography, picture.shape)
    if magnification < MAGNIFIED:
        return magnification, 0.0
    height, width = picture.shape[:2]
    enlarged = cv2.warpPerspective(source, homography, (width, height), flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(
        np.full(source.shape[:2], 255, np.uint8), homography, (width, height), flags=cv2.INTER_NEAREST
    )
    mask = cv2.erode(inside, np.ones((7, 7), np.uint8)) > 0
    # Median over tiles of the ratio: painted damage and JPEG blocks add detail in a few tiles only.
    labels = tile_labels(mask.shape, 8)[mask]
    counts = np.bincount(labels, minlength=64)
    used = counts >= 0.5 * mask.size / 64
    if not used.any():
        return magnification, 0.0
    claim_detail = np.bincount(labels, _fine_detail(picture)[mask], minlength=64)[used] / counts[used]
    enlarged_detail = np.bincount(labels, _fine_detail(enlarged)[mask], minlength=64)[used] / counts[used]
    return magnification, float(np.median(claim_detail / np.maximum(enlarged_detail, 0.5)))


def _is_copy(result: MatchResult) -> bool:
    return result.agreement >= _copy_threshold(result.kind) and not result.photographed_anew


def _set_regions(result: MatchResult, regions: list[dict[str, float]]) -> None:
    result.changed_area = sum(region["area"] for region in regions)
    result.regions = [{k: round(v, 4) for k, v in region.items()} for region in regions[:5]]


def _localize(result: MatchResult) -> None:
    """Redo the residual at MATCH_SIDE for a copy, so thin painted cracks are found and drawn."""
    if result.source is None:
        return
    ref, claim, homography, coefficients = result.source
    # The colour transform is global: the one fitted at COMPARE_SIDE holds at MATCH_SIDE too.
    claim_bgr, residual, valid, _ = _residual(
        ref, claim, homography, MATCH_SIDE, chroma_weight=0.5, coefficients=coefficients
    )
    if valid.sum() < 100:
        return
    _set_regions(result, _changed(residual, valid, LOCALIZE_RESIDUAL, LOCALIZE_MIN_AREA)[3])
    result.residual, result.valid, result.claim_bgr = residual, valid, claim_bgr


def match(claim_bgr: np.ndarray, claim_hashes: ImageHashes, references: ReferenceSet) -> list[MatchResult]:
    """Best alignment of the claim with each reference that aligns at all."""
    results: list[MatchResult] = []
    if not len(references):
        return results
    # ORB is not mirror-invariant (a flipped copy only aligns with the flipped claim), and a copy
    # cropped by a fifth or more shows everything 1.25-1.33x larger, which moves its strongest
    # corners to other pyramid levels: so the claim is also tried mirrored and shrunk. Each variant
    # is computed only when the ones before it did not already show a copy.
    variants: list[tuple[bool, float]] = [(False, 1.0), (True, 1.0), (False, CROP_ZOOM), (True, CROP_ZOOM)]
    claims: dict[tuple[bool, float], Features] = {}

    def claim_features(mirrored: bool, zoom: float) -> Features:
        if (mirrored, zoom) not in claims:
            claims[(mirrored, zoom)] = Features.of(cv2.flip(claim_bgr, 1) if mirrored else claim_bgr, zoom)
        return claims[(mirrored, zoom)]

    for ref in references.references:
        phash_distance = (claim_hashes.phash ^ ref.hashes.phash).bit_count()
        candidates: list[MatchResult] = []
        for mirrored, zoom in variants:
            if any(_is_copy(c) for c in candidates):
                break
            claim = claim_features(mirrored, zoom)
            found = _homography(ref.features, claim)
            if found is not None:
                candidates.append(_compare(ref, claim, *found, mirrored))
        if candidates:
            best = max(candidates, key=lambda r: (_is_copy(r), r.agreement))
            best.phash_distance = phash_distance
            results.append(best)
        elif phash_distance <= PHASH_COPY:
            results.append(MatchResult(ref.key, ref.kind, 0, 1.0, 1.0, 0.0, [], False, phash_distance))
    results.sort(
        key=lambda r: (not _is_copy(r), -(r.agreement * min(1.0, r.overlap / MIN_OVERLAP)), -r.inliers)
    )
    if results and _is_copy(results[0]):
        _localize(results[0])
    return results


def _copy_threshold(kind: str) -> float:
    return COPY_AGREEMENT_SHIPPING if kind == "shipping" else COPY_AGREEMENT


def claim_hashes(claim_bgr: np.ndarray) -> ImageHashes:
    return compute_hashes(cv2.cvtColor(downscale(claim_bgr, MATCH_SIDE), cv2.COLOR_BGR2RGB))


def heatmap(result: MatchResult) -> np.ndarray | None:
    """Claim photo with the aligned residual overlaid: red is what differs from the reference."""
    if result.residual is None or result.claim_bgr is None or result.valid is None:
        return None
    scaled = np.clip(result.residual * (255.0 / (2 * CHANGE_RESIDUAL)), 0, 255).astype(np.uint8)
    colour = cv2.applyColorMap(scaled, cv2.COLORMAP_JET)
    base = result.claim_bgr
    overlay = cv2.addWeighted(base, 0.55, colour, 0.45, 0)
    overlay[~result.valid] = (base[~result.valid] * 0.35).astype(np.uint8)
    changed = ((result.residual > CHANGE_RESIDUAL) & result.valid).astype(np.uint8)
    contours, _ = cv2.findContours(changed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(overlay, contours, -1, (255, 255, 255), 1)
    if result.mirrored:
        overlay = cv2.flip(overlay, 1)
    return overlay


def check(results: list[MatchResult], reference_count: int) -> Signal:
    if reference_count == 0:
        return Signal(
            CHECK,
            "no_reference",
            Strength.NONE,
            "No listing or shipping photos to compare with.",
            "无商品主图或发货照片可比对。",
        )
    best = results[0] if results else None
    if best is None or best.overlap < MIN_OVERLAP:
        return Signal(
            CHECK,
            "independent",
            Strength.NONE,
            f"Not derived from any of {reference_count} reference photos: a new photograph.",
            f"与 {reference_count} 张参考图均不构成复制关系：为新拍摄的照片。",
            {"matches": [r.summary() for r in results[:3]]},
        )
    details = {"best": best.summary(), "matches": [r.summary() for r in results[:3]]}
    source_en = "listing photo" if best.kind == "listing" else "shipping photo"
    source_zh = "商品主图" if best.kind == "listing" else "发货照片"
    if _is_copy(best) or (best.inliers == 0 and best.phash_distance <= PHASH_COPY):
        if best.regions:
            where = best.regions[0]
            return Signal(
                CHECK,
                "edited_copy",
                Strength.STRONG,
                f"Claim photo is the merchant's {source_en} ({best.reference}) with a local change covering "
                f"{best.changed_area:.1%}, largest at x={where['x']:.0%}, y={where['y']:.0%} of the frame.",
                f"申请照片由商家{source_zh}（{best.reference}）修改而来，改动区域占 {best.changed_area:.1%}，"
                f"位于画面 x={where['x']:.0%}、y={where['y']:.0%} 附近。",
                details,
            )
        return Signal(
            CHECK,
            "copy",
            Strength.STRONG,
            f"Claim photo is a copy of the merchant's {source_en} ({best.reference}); it cannot show the buyer's item.",
            f"申请照片就是商家{source_zh}（{best.reference}）的复制，不能证明买家收到的商品状况。",
            details,
        )
    if best.photographed_anew and best.agreement >= _copy_threshold(best.kind):
        if best.detail_ratio > DETAIL_RATIO:
            why_en = f"the claim shows {best.detail_ratio:.1f}x the fine detail of that part enlarged"
            why_zh = f"申请照片的细节是该局部放大后的 {best.detail_ratio:.1f} 倍"
        else:
            why_en = f"it covers only {best.overlap:.0%} of the claim frame"
            why_zh = f"对齐部分只占申请照片画面的 {best.overlap:.0%}"
        return Signal(
            CHECK,
            "independent",
            Strength.NONE,
            f"Part of the {source_en} ({best.reference}) lines up with the claim photo, but it is not the "
            f"photo reused: {why_en}. Another photo of the same product.",
            f"{source_zh}（{best.reference}）的局部与申请照片对齐，但不是同一张照片的复用：{why_zh}，"
            "为同款商品的另一张照片。",
            details,
        )
    return Signal(
        CHECK,
        "independent",
        Strength.NONE,
        f"Same product as the {source_en} but photographed anew ({best.agreement:.0%} pixel agreement).",
        f"与{source_zh}为同款商品，但为重新拍摄（像素一致率 {best.agreement:.0%}）。",
        details,
    )
