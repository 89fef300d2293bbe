import importlib.util
from pathlib import Path

import numpy as np
import pytest

from anxin.evidence.detectors import dwtdct, watermark
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.testing import evidence_photos as T


def test_it_finds_the_stable_diffusion_watermark(other_photo):
    signal = watermark.check(EvidenceImage(T.encode(T.sd_watermark(other_photo), "PNG")))

    assert signal.strength == Strength.STRONG
    assert signal.details["payload"] == "Stable Diffusion 1.x"


def test_it_finds_the_sdxl_watermark(other_photo):
    marked = dwtdct.encode(other_photo, watermark.SDXL_BITS)

    assert watermark.check(EvidenceImage(T.encode(marked, "PNG"))).details["payload"] == "Stable Diffusion XL"


def test_it_survives_high_quality_jpeg(other_photo):
    signal = watermark.check(EvidenceImage(T.encode(T.sd_watermark(other_photo), quality=95)))

    assert signal.finding == "ai_watermark"


@pytest.mark.parametrize("seed", range(6))
def test_it_does_not_flag_unmarked_photos(seed):
    photo = T.render(T.make_model(100 + seed), np.random.default_rng(seed), damage="stain")

    assert watermark.check(EvidenceImage(T.encode(photo))).strength == Strength.NONE


def test_it_skips_images_too_small_to_carry_the_mark():
    small = np.full((100, 100, 3), 128, np.uint8)

    assert watermark.check(EvidenceImage(T.encode(small))).finding == "too_small"


def _reference_codec():
    """invisible-watermark's own maxDct module, loaded without its package (which imports torch)."""
    spec = importlib.util.find_spec("imwatermark")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "maxDct.py"
    module_spec = importlib.util.spec_from_file_location("_imwatermark_maxdct", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def test_our_codec_is_byte_identical_to_invisible_watermark(other_photo):
    reference = _reference_codec()
    if reference is None:
        pytest.skip("invisible-watermark is not installed (optional; see ADR 0052)")
    bits = dwtdct.bytes_to_bits(b"StableDiffusionV1")

    theirs = reference.EmbedMaxDct(list(bits), wmLen=len(bits)).encode(other_photo.copy())
    ours = dwtdct.encode(other_photo.copy(), bits)

    assert np.array_equal(theirs, ours)
    assert np.array_equal(
        reference.EmbedMaxDct([], wmLen=len(bits)).decode(ours), dwtdct.decode_bits(ours, len(bits))
    )


def test_the_fast_haar_approximation_is_pywt_bit_for_bit():
    import pywt

    rng = np.random.default_rng(7)
    for shape in ((8, 12), (64, 96), (1024, 772)):
        channel = rng.integers(0, 256, shape, dtype=np.uint8)

        assert np.array_equal(dwtdct._approximation(channel), pywt.dwt2(channel, "haar")[0])
    # as called: one channel strided through a colour picture
    picture = rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)
    assert np.array_equal(dwtdct._approximation(picture[..., 1]), pywt.dwt2(picture[..., 1], "haar")[0])
