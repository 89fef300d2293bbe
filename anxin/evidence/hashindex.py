"""Perceptual-hash index over all evidence: multi-index hashing (Norouzi et al.) on 64-bit hashes.

A 64-bit pHash is cut into four 16-bit chunks. If two hashes differ in at most ``r`` bits, at
least one chunk differs in at most ``r // 4`` bits (pigeonhole), so a lookup probes each chunk
table with every value within that distance and verifies the few candidates exactly. With
r = 10 that is 4 x 137 dictionary probes, whatever the size of the index. The database version
(phase 2) stores the four chunks in indexed columns and runs the same probe as one query.
"""

from __future__ import annotations

import bisect
import ctypes
import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import cv2
import faiss
import imagehash
import numpy as np
from PIL import Image

CHUNKS = 4
CHUNK_BITS = 16
DEFAULT_RADIUS = 10


@dataclass(frozen=True)
class ImageHashes:
    phash: int
    dhash: int


@dataclass(frozen=True)
class Hit:
    key: str
    phash_distance: int
    dhash_distance: int


def _to_int(value: imagehash.ImageHash) -> int:
    return int("".join("1" if bit else "0" for bit in value.hash.flatten()), 2)


def compute_hashes(rgb: np.ndarray | Image.Image) -> ImageHashes:
    image = rgb if isinstance(rgb, Image.Image) else Image.fromarray(rgb)
    return ImageHashes(phash=_to_int(imagehash.phash(image)), dhash=_to_int(imagehash.dhash(image)))


def chunks(value: int) -> list[int]:
    return [(value >> (CHUNK_BITS * i)) & 0xFFFF for i in range(CHUNKS)]


def to_signed64(value: int) -> int:
    """Hashes are unsigned; SQL bigint is signed. Store the two's-complement value."""
    return value - (1 << 64) if value >= 1 << 63 else value


def from_signed64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def neighbours(value: int, distance: int) -> Iterable[int]:
    """Every 16-bit value within ``distance`` bits of ``value`` (including itself)."""
    yield value
    for flips in range(1, distance + 1):
        for positions in combinations(range(CHUNK_BITS), flips):
            mask = 0
            for position in positions:
                mask |= 1 << position
            yield value ^ mask


def probe_values(value: int, radius: int) -> list[list[int]]:
    """Per chunk, the chunk values a candidate must have in at least one table."""
    per_chunk = radius // CHUNKS
    return [list(neighbours(chunk, per_chunk)) for chunk in chunks(value)]


class HashIndex:
    """In-memory multi-index over (key, pHash, dHash); ``search`` returns near copies best first."""

    def __init__(self) -> None:
        self._tables: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(CHUNKS)]
        self._items: list[tuple[str, ImageHashes]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, key: str, hashes: ImageHashes) -> None:
        slot = len(self._items)
        self._items.append((key, hashes))
        for table, chunk in zip(self._tables, chunks(hashes.phash), strict=True):
            table[chunk].append(slot)

    def search(
        self, hashes: ImageHashes, *, radius: int = DEFAULT_RADIUS, exclude: Iterable[str] = ()
    ) -> list[Hit]:
        skip = set(exclude)
        candidates: set[int] = set()
        for table, values in zip(self._tables, probe_values(hashes.phash, radius), strict=True):
            for value in values:
                candidates.update(table.get(value, ()))
        hits = []
        for slot in candidates:
            key, other = self._items[slot]
            distance = (hashes.phash ^ other.phash).bit_count()
            if distance <= radius and key not in skip:
                hits.append(Hit(key, distance, (hashes.dhash ^ other.dhash).bit_count()))
        return sorted(hits, key=lambda hit: (hit.phash_distance, hit.dhash_distance, hit.key))


# --- local-feature reuse index ----------------------------------------------------------------------
#
# A global hash moves past any threshold once a photo is cropped by 5-15 %: the frame changes, so
# every low-frequency coefficient changes. Local features do not care about the frame. Each indexed
# photo contributes its strongest ORB descriptors (256-bit) with their positions; a claim photo's
# descriptors (and its mirror image's) are looked up in an inverted file (faiss IndexBinaryIVF), the
# hits vote per indexed photo, and the photos with enough votes are verified geometrically (one
# similarity transform must explain the matched positions). See docs/adr/0054.

FEATURE_SIDE = 512  # both sides are normalised to this longest side, so a resize to 50 % is undone
INDEX_FEATURES = 48  # descriptors kept per indexed photo (memory: 48 x (32 + 8 + 4) bytes)
QUERY_FEATURES = 400  # descriptors looked up per claim photo and per orientation
MATCH_DISTANCE = 64  # bits out of 256: a descriptor "matches" at or below this distance
MIN_VOTES = 6  # matched descriptors an indexed photo needs before it is verified
MIN_INLIERS = 6  # descriptors consistent with one similarity transform: the same picture
TRAIN_AT = 50_000  # descriptors held exactly (flat) before the inverted file is trained
IVF_LISTS = 1024  # first training; ``lists_due`` grows it 4x at a time as the index grows
# Codes per inverted list the index aims for: 16 384 lists at 1 M photos (48 M descriptors), where
# 100 looked-up descriptors x 2 probes answered with p95 < 50 ms CPU (docs/benchmarks/evidence.md;
# 3 probes since, ~+15 % lookup time).
CODES_PER_LIST = 3000
# Lists probed per looked-up descriptor. With 2, a reused photo that matched with 11 descriptors
# against 168 photos kept too few at 1 M: a descriptor and its match, 13-26 bits apart, often sit
# in different lists. 3 restores the small index's answers (docs/benchmarks/evidence.md).
IVF_PROBE = 3

_FEATURE_ORB: cv2.ORB | None = None


def _feature_orb() -> cv2.ORB:
    global _FEATURE_ORB
    if _FEATURE_ORB is None:
        _FEATURE_ORB = cv2.ORB.create(nfeatures=QUERY_FEATURES, scaleFactor=1.2, nlevels=8, fastThreshold=10)
    return _FEATURE_ORB


@dataclass(frozen=True)
class LocalFeatures:
    """Positions (n, 2) in the normalised frame and ORB descriptors (n, 32) strongest first."""

    points: np.ndarray
    descriptors: np.ndarray

    def __len__(self) -> int:
        return len(self.points)

    def strongest(self, count: int) -> LocalFeatures:
        return LocalFeatures(self.points[:count], self.descriptors[:count])


def local_features(bgr_or_gray: np.ndarray, *, mirrored: bool = False) -> LocalFeatures:
    gray = bgr_or_gray if bgr_or_gray.ndim == 2 else cv2.cvtColor(bgr_or_gray, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    scale = FEATURE_SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    if mirrored:
        gray = cv2.flip(gray, 1)
    keypoints, descriptors = _feature_orb().detectAndCompute(gray, None)
    if descriptors is None or not keypoints:
        return LocalFeatures(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))
    responses = np.array([kp.response for kp in keypoints], np.float32)
    order = np.argsort(-responses, kind="stable")
    points = np.asarray(cv2.KeyPoint.convert(keypoints), np.float32).reshape(-1, 2)[order]
    return LocalFeatures(points, descriptors[order])


@dataclass(frozen=True)
class FeatureHit:
    key: str
    votes: int
    inliers: int
    mirrored: bool
    transform: np.ndarray | None = None  # 2x3: indexed photo's normalised frame -> claim's (as searched)


class FeatureIndex:
    """Earlier evidence as local features: exact (flat) while small, an inverted file once large.

    Ids are ``slot * 64 + rank`` so a hit names the photo and which of its descriptors matched.
    ``save``/``load`` persist it to a directory (the faiss index plus two numpy arrays and the
    keys), so a server loads it once at start instead of rebuilding it per request.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._points: list[np.ndarray] = []
        self._points_array: np.ndarray | None = None
        self._block_starts: list[int] = []  # first slot of each block in ``_points``
        self._flat = faiss.IndexBinaryIDMap(faiss.IndexBinaryFlat(256))
        self._ivf: faiss.IndexBinaryIVF | None = None
        self._pending: list[np.ndarray] = []  # descriptors kept for training the inverted file
        self._key_set: set[str] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: object) -> bool:
        if self._key_set is None or len(self._key_set) != len(self.keys):
            self._key_set = set(self.keys)
        return key in self._key_set

    @property
    def index(self) -> faiss.IndexBinary:
        return self._ivf if self._ivf is not None else self._flat

    @property
    def descriptor_count(self) -> int:
        return int(self.index.ntotal)

    def add(self, key: str, features: LocalFeatures) -> None:
        self.add_many([key], [features.strongest(INDEX_FEATURES)])

    def add_many(self, keys: list[str], features: list[LocalFeatures]) -> None:
        descriptors, ids, points = [], [], []
        for key, feat in zip(keys, features, strict=True):
            feat = feat.strongest(INDEX_FEATURES)
            slot = len(self.keys)
            self.keys.append(key)
            padded = np.zeros((INDEX_FEATURES, 2), np.float16)
            padded[: len(feat)] = feat.points
            points.append(padded)
            descriptors.append(feat.descriptors)
            ids.append(slot * 64 + np.arange(len(feat), dtype=np.int64))
        if points:
            self._block_starts.append(len(self.keys) - len(points))
            self._points.append(np.stack(points))
            self._points_array = None
        if not descriptors:
            return
        block, id_block = np.concatenate(descriptors), np.concatenate(ids)
        if self._ivf is None:
            self._flat.add_with_ids(block, id_block)
            if self._flat.ntotal >= TRAIN_AT:
                self._train()
        else:
            self._ivf.add_with_ids(block, id_block)

    def _all_codes(self) -> tuple[np.ndarray, np.ndarray]:
        if self._ivf is None:
            codes = faiss.vector_to_array(faiss.downcast_IndexBinary(self._flat.index).xb).reshape(-1, 32)
            return codes, faiss.vector_to_array(self._flat.id_map)
        invlists = self._ivf.invlists
        code_lists, id_lists = [], []
        for number in range(self._ivf.nlist):
            size = invlists.list_size(number)
            if size:
                code_lists.append(
                    faiss.rev_swig_ptr(invlists.get_codes(number), size * 32).copy().reshape(-1, 32)
                )
                id_lists.append(faiss.rev_swig_ptr(invlists.get_ids(number), size).copy())
        return np.concatenate(code_lists), np.concatenate(id_lists)

    def _train(self) -> None:
        self.rebuild(IVF_LISTS)  # read at call time (a default argument would freeze it at import)

    def lists_due(self) -> int | None:
        """More inverted lists the index should be rebuilt with now, or None while it has enough.

        The target is a power of 4 near ``descriptor_count / CODES_PER_LIST``; a rebuild is due
        when the target is at least 4x the current lists, so it happens about twice on the way
        to 1 M photos (1024 -> 4096 near 250 k photos, -> 16 384 near 1 M).
        """
        if self._ivf is None:
            return None
        target = IVF_LISTS
        while target * CODES_PER_LIST * 2 < self.descriptor_count:
            target *= 4
        return target if target >= 4 * self._ivf.nlist else None

    def rebuild(self, lists: int) -> None:
        """Re-train the inverted file with ``lists`` cells (a periodic job as the index grows)."""
        codes, ids = self._all_codes()
        ivf = faiss.IndexBinaryIVF(faiss.IndexBinaryFlat(256), 256, lists)
        ivf.cp.niter = 10
        rng = np.random.default_rng(0)
        sample = codes[rng.choice(len(codes), min(len(codes), 40 * lists), replace=False)]
        ivf.train(sample)
        ivf.nprobe = IVF_PROBE
        for start in range(0, len(codes), 1_000_000):
            ivf.add_with_ids(codes[start : start + 1_000_000], ids[start : start + 1_000_000])
        self._ivf = ivf
        self._flat = faiss.IndexBinaryIDMap(faiss.IndexBinaryFlat(256))
        self.compact()

    def compact(self) -> None:
        """Hold each inverted list in exactly the memory its codes need.

        Lists filled by appends grow like ``std::vector`` (capacity doubling), so after a rebuild
        they held up to twice their size; a copy made at the final size does not. (An index read
        back with ``load`` is exact already.) Briefly needs the old and new lists together.
        """
        if self._ivf is None:
            return
        grown = self._ivf.invlists
        exact = faiss.ArrayInvertedLists(self._ivf.nlist, self._ivf.code_size)
        for number in range(self._ivf.nlist):
            size = grown.list_size(number)
            if size:
                exact.add_entries(number, size, grown.get_ids(number), grown.get_codes(number))
        self._ivf.replace_invlists(exact, True)
        exact.this.disown()  # the index owns (and frees) the new lists now
        _return_freed_memory()

    @property
    def points(self) -> np.ndarray:
        if self._points_array is None:
            self._points_array = (
                np.concatenate(self._points) if self._points else np.zeros((0, INDEX_FEATURES, 2), np.float16)
            )
            self._points, self._block_starts = [self._points_array], [0]
        return self._points_array

    def _slot_points(self, slot: int) -> np.ndarray:
        """One photo's positions without joining the blocks (an add must not copy the whole array)."""
        block = bisect.bisect_right(self._block_starts, slot) - 1
        return self._points[block][slot - self._block_starts[block]]

    def search(
        self, query: LocalFeatures, *, mirrored: bool = False, exclude: Iterable[str] = ()
    ) -> list[FeatureHit]:
        if not len(self.keys) or not len(query):
            return []
        skip = set(exclude)
        distances, ids = self.index.search(query.descriptors, 2)
        votes: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for row in range(len(query)):
            for distance, found in zip(distances[row], ids[row], strict=True):
                if found >= 0 and distance <= MATCH_DISTANCE:
                    votes[int(found) // 64].append((row, int(found) % 64))
        hits = []
        for slot, pairs in votes.items():
            if len({rank for _, rank in pairs}) < MIN_VOTES or self.keys[slot] in skip:
                continue
            inliers, transform = _similarity_inliers(
                self._slot_points(slot)[[rank for _, rank in pairs]].astype(np.float32),
                query.points[[row for row, _ in pairs]],
            )
            if inliers >= MIN_INLIERS:
                hits.append(FeatureHit(self.keys[slot], len(pairs), inliers, mirrored, transform))
        return sorted(hits, key=lambda hit: (-hit.inliers, hit.key))

    def save(self, directory: str | Path) -> None:
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index_binary(self.index, str(folder / "descriptors.faiss"))
        np.save(folder / "points.npy", self.points)
        (folder / "keys.json").write_text(json.dumps(self.keys), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> FeatureIndex:
        folder = Path(directory)
        index = cls()
        stored = faiss.read_index_binary(str(folder / "descriptors.faiss"))
        if isinstance(stored, faiss.IndexBinaryIVF):
            stored.nprobe = IVF_PROBE
            index._ivf = stored
        else:
            index._flat = stored
        index._points = [np.load(folder / "points.npy", mmap_mode="r")]
        index._block_starts = [0]
        index.keys = json.loads((folder / "keys.json").read_text(encoding="utf-8"))
        return index


def _return_freed_memory() -> None:
    """Hand memory freed by the C++ side back to the system (glibc keeps small freed blocks).

    Without it, compacting a 1 M-photo index *raised* the process's resident memory by 1.7 GiB:
    the grown lists' blocks stayed with the allocator while the exact copies were added.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _similarity_inliers(source: np.ndarray, target: np.ndarray) -> tuple[int, np.ndarray | None]:
    """How many matched positions one rotation + scale + shift explains (RANSAC, 4 px tolerance)."""
    if len(source) < MIN_INLIERS:
        return 0, None
    transform, mask = cv2.estimateAffinePartial2D(
        source, target, method=cv2.RANSAC, ransacReprojThreshold=4.0, maxIters=500, confidence=0.99
    )
    if mask is None or transform is None:
        return 0, None
    return int(mask.sum()), transform


def normalised_gray(bgr: np.ndarray, mirrored: bool = False) -> np.ndarray:
    """Grey levels at FEATURE_SIDE (longest side), optionally mirrored: the frame features live in."""
    gray = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    scale = FEATURE_SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    return cv2.flip(gray, 1) if mirrored else gray


SAME_PICTURE_TILES = 0.8  # share of overlap tiles whose structure correlates: the same photograph
TILE_CORRELATION = 0.6
MIN_SAME_OVERLAP = 0.5


def verification_view(gray: np.ndarray) -> np.ndarray:
    """A ``normalised_gray`` picture at a quarter of its size, blurred: what ``same_view`` compares."""
    height, width = gray.shape
    small = (max(8, width // 4), max(8, height // 4))
    return cv2.GaussianBlur(
        cv2.resize(gray, small, interpolation=cv2.INTER_AREA).astype(np.float32), (0, 0), 1.0
    )


def same_picture(earlier_bgr: np.ndarray, claim_bgr: np.ndarray, hit: FeatureHit) -> tuple[bool, float]:
    """Does the earlier photo, moved by the hit's similarity transform, show the claim's very pixels?"""
    return same_view(
        verification_view(normalised_gray(earlier_bgr)),
        verification_view(normalised_gray(claim_bgr, hit.mirrored)),
        hit,
    )


def same_view(e_small: np.ndarray, a: np.ndarray, hit: FeatureHit) -> tuple[bool, float]:
    """``same_picture`` on ``verification_view``s of the earlier photo and of the claim as searched.

    Compared at 1/4 of FEATURE_SIDE on blurred grey levels, tile by tile with a normalised
    correlation (indifferent to colour filters, gamma and JPEG blocking). A new photograph of the
    same product lines up on one flat face at best; the background, light and the rest do not.
    Returns (verdict, share of agreeing tiles).
    """
    if hit.transform is None:
        return False, 0.0
    # Work at a quarter size; refine the feature transform there with ECC (intensity alignment,
    # indifferent to gain and offset), since a dozen matched corners only place it roughly.
    quarter = np.diag([0.25, 0.25, 1.0])
    transform = (quarter @ np.vstack([hit.transform, [0, 0, 1]]) @ np.linalg.inv(quarter))[:2].astype(
        np.float32
    )
    small = (a.shape[1], a.shape[0])
    try:
        # ECC's warp maps template (earlier) coordinates to input (claim) ones, like ``transform``.
        _, transform = cv2.findTransformECC(
            e_small,
            a,
            transform,
            cv2.MOTION_AFFINE,
            (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-4),
            None,  # type: ignore[call-overload]  # no mask: OpenCV takes None, its stubs want an array
            1,
        )
    except cv2.error:
        pass  # keep the feature transform
    b = cv2.warpAffine(e_small, transform, small, flags=cv2.INTER_LINEAR)
    valid = cv2.warpAffine(np.full(e_small.shape, 255, np.uint8), transform, small) > 0
    if valid.mean() < MIN_SAME_OVERLAP:
        return False, 0.0
    inside = cv2.erode(valid.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    # Per tile of a 6 x 6 grid (tiles at least 70 % inside the overlap): standard deviations and
    # the correlation of the two pictures' pixels, from sums.
    grid = 6
    labels = tile_labels(a.shape, grid)[inside]
    x, y = a[inside].astype(np.float64), b[inside].astype(np.float64)

    def per_tile(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(labels, weights=weights, minlength=grid * grid)

    count = per_tile()
    used = count >= 0.7 * np.bincount(tile_labels(a.shape, grid).ravel(), minlength=grid * grid)
    n = np.maximum(count, 1)
    mean_x, mean_y = per_tile(x) / n, per_tile(y) / n
    std_x = np.sqrt(np.maximum(per_tile(x * x) / n - mean_x**2, 0))
    std_y = np.sqrt(np.maximum(per_tile(y * y) / n - mean_y**2, 0))
    structured = used & ((std_x >= 2.0) | (std_y >= 2.0))  # flat in both: says nothing either way
    both = structured & (std_x >= 2.0) & (std_y >= 2.0)
    correlation = (per_tile(x * y) / n - mean_x * mean_y) / np.maximum(std_x * std_y, 1e-9)
    total, good = int(structured.sum()), int((both & (correlation >= TILE_CORRELATION)).sum())
    share = good / total if total >= 6 else 0.0
    return share >= SAME_PICTURE_TILES, share


def tile_labels(shape: tuple[int, ...], grid: int) -> np.ndarray:
    """Each pixel's tile number (row-major) in a ``grid`` x ``grid`` split: tile ``i`` spans rows
    ``i*h//grid`` to ``(i+1)*h//grid``, likewise for columns. Read-only: shared between calls."""
    return _tile_labels(int(shape[0]), int(shape[1]), grid)


@functools.lru_cache(maxsize=32)
def _tile_labels(height: int, width: int, grid: int) -> np.ndarray:
    # One claim is compared at a few sizes with every reference: the same labels again and again.
    rows = np.searchsorted([i * height // grid for i in range(1, grid)], np.arange(height), side="right")
    cols = np.searchsorted([j * width // grid for j in range(1, grid)], np.arange(width), side="right")
    labels = rows[:, None] * grid + cols[None, :]
    labels.flags.writeable = False
    return labels


@functools.lru_cache(maxsize=4)
def open_feature_index(directory: str) -> FeatureIndex:
    """The persisted reuse index of this process: loaded once, shared by every request.

    An empty index when nothing was saved yet. Call ``open_feature_index.cache_clear()`` after a
    periodic job has written a rebuilt index.
    """
    folder = Path(directory)
    return FeatureIndex.load(folder) if (folder / "descriptors.faiss").exists() else FeatureIndex()
