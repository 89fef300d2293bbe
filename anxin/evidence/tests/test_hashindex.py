import random

import numpy as np

from anxin.evidence import testing as T
from anxin.evidence.detectors import reuse
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.evidence.hashindex import HashIndex, ImageHashes, compute_hashes, from_signed64, to_signed64


def _hashes(pixels: np.ndarray) -> ImageHashes:
    return compute_hashes(EvidenceImage(T.encode(pixels)).pil.convert("RGB"))


def test_it_finds_exactly_what_a_linear_scan_finds():
    rng = random.Random(4)
    index = HashIndex()
    items = []
    for i in range(3000):
        value = rng.getrandbits(64)
        if i % 10 == 0 and items:  # plant near neighbours
            value = items[-1][1] ^ (1 << rng.randrange(64)) ^ (1 << rng.randrange(64))
        items.append((f"k{i}", value))
        index.add(f"k{i}", ImageHashes(value, 0))
    for _ in range(50):
        query = items[rng.randrange(len(items))][1] ^ (1 << rng.randrange(64))
        expected = sorted(key for key, value in items if (query ^ value).bit_count() <= 10)

        found = sorted(hit.key for hit in index.search(ImageHashes(query, 0), radius=10))

        assert found == expected


def test_signed_storage_round_trips():
    for value in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        assert from_signed64(to_signed64(value)) == value
        assert -(1 << 63) <= to_signed64(value) < 1 << 63


def test_it_catches_a_photo_reused_from_another_claim(genuine_photo):
    index = HashIndex()
    index.add("claim-41/photo-1", _hashes(genuine_photo))

    resubmitted = T.recompress(T.resize(genuine_photo, 0.7), 60)
    signal = reuse.check(_hashes(resubmitted), index)

    assert signal.strength == Strength.STRONG
    assert signal.details["matches"][0]["key"] == "claim-41/photo-1"


def test_it_does_not_match_another_photo_of_the_same_model(model, genuine_photo):
    index = HashIndex()
    index.add("claim-41/photo-1", _hashes(genuine_photo))

    other = T.render(model, np.random.default_rng(99), damage="crack")

    assert reuse.check(_hashes(other), index).strength == Strength.NONE


def test_it_ignores_the_picture_itself(genuine_photo):
    index = HashIndex()
    index.add("self", _hashes(genuine_photo))

    assert reuse.check(_hashes(genuine_photo), index, exclude=("self",)).finding == "new"
