"""Perceptual-hash index over all evidence: multi-index hashing (Norouzi et al.) on 64-bit hashes.

A 64-bit pHash is cut into four 16-bit chunks. If two hashes differ in at most ``r`` bits, at
least one chunk differs in at most ``r // 4`` bits (pigeonhole), so a lookup probes each chunk
table with every value within that distance and verifies the few candidates exactly. With
r = 10 that is 4 x 137 dictionary probes, whatever the size of the index. The database version
(phase 2) stores the four chunks in indexed columns and runs the same probe as one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

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
