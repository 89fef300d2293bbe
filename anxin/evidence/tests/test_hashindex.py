import random

import numpy as np

from anxin.evidence.detectors import reuse
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.evidence.hashindex import HashIndex, ImageHashes, compute_hashes, from_signed64, to_signed64
from anxin.testing import evidence_photos as T


def _hashes(pixels: np.ndarray) -> ImageHashes:
    return compute_hashes(EvidenceImage(T.encode(pixels)).pil.convert("RGB"))


def test_it_finds_exactly_what_a_linear_scan_finds():
    rng = random.Random(4)
    index = HashIndex()
    items: list[tuple[str, int]] = []
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


def _feature_index(photos: dict[str, np.ndarray]):
    from anxin.evidence.hashindex import FeatureIndex, local_features

    index = FeatureIndex()
    for key, pixels in photos.items():
        index.add(key, local_features(pixels))
    return index


def test_it_catches_a_reused_photo_after_crop_mirror_rotation_filter_and_q30(genuine_photo, other_photo):
    from anxin.evidence.hashindex import local_features  # noqa: F401

    rng = np.random.default_rng(15)
    index = _feature_index({"claim-41/photo-1": genuine_photo, "claim-42/photo-1": other_photo})
    laundered = T.recompress(
        T.colour_filter(T.resize(T.rotate(T.crop(genuine_photo, rng, 0.78), -4.5), 0.5), rng), 30
    )
    laundered = laundered[:, ::-1].copy()
    earlier = {"claim-41/photo-1": genuine_photo, "claim-42/photo-1": other_photo}

    signal = reuse.check(
        _hashes(laundered), HashIndex(), feature_index=index, claim_bgr=laundered, loader=earlier.get
    )

    assert signal.strength == Strength.STRONG, signal.details
    assert signal.details["matches"][0]["key"] == "claim-41/photo-1"


def test_a_new_photo_of_the_same_product_is_not_a_reuse(model, genuine_photo):
    index = _feature_index({"claim-41/photo-1": genuine_photo})
    new_photo = T.render(model, np.random.default_rng(16), damage="stain")

    signal = reuse.check(
        _hashes(new_photo),
        HashIndex(),
        feature_index=index,
        claim_bgr=new_photo,
        loader={"claim-41/photo-1": genuine_photo}.get,
    )

    assert signal.strength == Strength.NONE, signal.details


def test_the_feature_index_survives_a_save_and_load(tmp_path, genuine_photo, other_photo):
    from anxin.evidence.hashindex import FeatureIndex, local_features

    index = _feature_index({"a": genuine_photo, "b": other_photo})
    index.save(tmp_path / "reuse")

    loaded = FeatureIndex.load(tmp_path / "reuse")

    assert len(loaded) == 2
    assert loaded.search(local_features(other_photo))[0].key == "b"


def test_the_feature_index_keeps_answering_after_it_trains_its_inverted_file(monkeypatch, genuine_photo):
    from anxin.evidence import hashindex
    from anxin.evidence.hashindex import FeatureIndex, LocalFeatures, local_features

    monkeypatch.setattr(hashindex, "TRAIN_AT", 4000)
    monkeypatch.setattr(hashindex, "IVF_LISTS", 16)
    rng = np.random.default_rng(3)
    index = FeatureIndex()
    index.add("claim-41/photo-1", local_features(genuine_photo))
    for i in range(100):  # filler photos with random descriptors
        index.add(
            f"filler-{i}",
            LocalFeatures(rng.uniform(0, 512, (48, 2)), rng.integers(0, 256, (48, 32), np.uint8)),
        )

    assert index._ivf is not None
    assert index.search(local_features(T.recompress(genuine_photo, 50)))[0].key == "claim-41/photo-1"


def test_a_process_opens_the_persisted_index_once(tmp_path, genuine_photo):
    from anxin.evidence.hashindex import local_features, open_feature_index

    _feature_index({"claim-41/photo-1": genuine_photo}).save(tmp_path / "reuse")
    open_feature_index.cache_clear()

    first = open_feature_index(str(tmp_path / "reuse"))

    assert first is open_feature_index(str(tmp_path / "reuse"))
    assert first.search(local_features(genuine_photo))[0].key == "claim-41/photo-1"
    assert len(open_feature_index(str(tmp_path / "missing"))) == 0


def test_the_feature_index_asks_for_four_times_more_lists_once_they_grow_long(monkeypatch):
    from anxin.evidence import hashindex
    from anxin.evidence.hashindex import FeatureIndex, LocalFeatures

    monkeypatch.setattr(hashindex, "TRAIN_AT", 2000)
    monkeypatch.setattr(hashindex, "IVF_LISTS", 16)
    monkeypatch.setattr(hashindex, "CODES_PER_LIST", 100)
    rng = np.random.default_rng(5)
    photos = [
        LocalFeatures(rng.uniform(0, 512, (48, 2)), rng.integers(0, 256, (48, 32), np.uint8))
        for _ in range(80)
    ]
    index = FeatureIndex()
    for number, features in enumerate(photos[:42]):
        index.add(f"photo-{number}", features)
    assert index.index.nlist == 16  # trained on reaching 2000 descriptors (42 x 48 = 2016)
    assert index.lists_due() is None

    for number, features in enumerate(photos[42:], start=42):
        index.add(f"photo-{number}", features)
    # 3840 codes in 16 lists: over 2 x 100 per list, so 4x the lists are due.
    assert index.lists_due() == 64

    index.rebuild(64)

    assert index.index.nlist == 64 and index.lists_due() is None
    assert index.search(photos[50])[0].key == "photo-50"


def test_compacting_the_inverted_lists_keeps_every_answer(monkeypatch):
    from anxin.evidence import hashindex
    from anxin.evidence.hashindex import FeatureIndex, LocalFeatures

    # given: an inverted file grown by many small appends
    monkeypatch.setattr(hashindex, "TRAIN_AT", 2000)
    monkeypatch.setattr(hashindex, "IVF_LISTS", 16)
    rng = np.random.default_rng(9)
    photos = [
        LocalFeatures(rng.uniform(0, 512, (48, 2)), rng.integers(0, 256, (48, 32), np.uint8))
        for _ in range(120)
    ]
    index = FeatureIndex()
    for number, features in enumerate(photos):
        index.add(f"photo-{number}", features)
    queries = rng.integers(0, 256, (200, 32), np.uint8)
    before = index.index.search(queries, 2)
    sizes = [index.index.invlists.list_size(number) for number in range(16)]

    # when
    index.compact()

    # then: the same codes in the same lists, the same neighbours for any query
    after = index.index.search(queries, 2)
    assert [index.index.invlists.list_size(number) for number in range(16)] == sizes
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])
    assert index.search(photos[70])[0].key == "photo-70"
