"""Reuse: the same picture (or a near copy) already used as evidence elsewhere."""

from __future__ import annotations

from ..hashindex import DEFAULT_RADIUS, HashIndex, Hit, ImageHashes
from .base import Signal, Strength

CHECK = "reuse"
# Both hashes close: the same picture after recompression or resizing.
NEAR_COPY_PHASH = 6
NEAR_COPY_DHASH = 8


def check(hashes: ImageHashes, index: HashIndex | None, *, exclude: tuple[str, ...] = ()) -> Signal:
    if index is None or len(index) == 0:
        return Signal(
            CHECK, "no_index", Strength.NONE, "No earlier evidence to compare with.", "无历史证据可比对。"
        )
    hits: list[Hit] = [
        hit
        for hit in index.search(hashes, radius=DEFAULT_RADIUS, exclude=exclude)
        if hit.phash_distance <= NEAR_COPY_PHASH and hit.dhash_distance <= NEAR_COPY_DHASH
    ]
    if hits:
        best = hits[0]
        return Signal(
            CHECK,
            "reused",
            Strength.STRONG,
            f"Same picture already submitted as evidence ({best.key}, pHash distance {best.phash_distance}).",
            f"该图片已在其他申请中作为证据提交过（{best.key}，感知哈希距离 {best.phash_distance}）。",
            {
                "matches": [
                    {"key": h.key, "phash": h.phash_distance, "dhash": h.dhash_distance} for h in hits[:10]
                ]
            },
        )
    return Signal(CHECK, "new", Strength.NONE, "Not seen in earlier evidence.", "未在历史证据中出现。")
