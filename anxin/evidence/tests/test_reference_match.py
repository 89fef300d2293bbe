import cv2
import numpy as np
import pytest

from anxin.evidence.analysis import analyze
from anxin.evidence.detectors import reference_match
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.evidence.hashindex import compute_hashes
from anxin.testing import evidence_photos as T


def _check(pixels: np.ndarray, references) -> tuple:
    image = EvidenceImage(T.encode(pixels))
    hashes = compute_hashes(cv2.cvtColor(image.bgr, cv2.COLOR_BGR2RGB))
    results = reference_match.match(image.bgr, hashes, references)
    return reference_match.check(results, len(references)), results


FORGERIES = {
    "drawn crack": lambda img, rng: T.draw_crack(img, rng, width=3),
    "blended stain": lambda img, rng: T.draw_stain(img, rng),
    "poisson patch": lambda img, rng: T.paste_patch(img, rng),
    "inpainted break": lambda img, rng: T.inpaint_damage(img, rng),
    "crack, recompressed at q=55": lambda img, rng: T.recompress(T.draw_crack(img, rng), 55),
    "stain, resized to 60%": lambda img, rng: T.resize(T.draw_stain(img, rng), 0.6),
    "crack, cropped to 75%": lambda img, rng: T.crop(T.draw_crack(img, rng), rng, 0.75),
    "stain, rotated and filtered": lambda img, rng: T.colour_filter(T.rotate(T.draw_stain(img, rng), 4), rng),
    "crack, mirrored": lambda img, rng: cv2.flip(T.draw_crack(img, rng), 1),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_it_catches_a_listing_photo_with_damage_painted_in(name, listing, references):
    forged = FORGERIES[name](listing, np.random.default_rng(11))

    signal, _ = _check(forged, references)

    assert signal.strength == Strength.STRONG, signal.details
    assert signal.finding in ("edited_copy", "copy")


def test_it_localizes_the_painted_stain(listing, references):
    rng = np.random.default_rng(5)
    forged = T.draw_stain(listing, rng, opacity=0.8)
    truth = np.abs(forged.astype(int) - listing.astype(int)).max(axis=2) > 30
    ys, xs = np.nonzero(truth)

    signal, results = _check(forged, references)

    region = signal.details["best"]["regions"][0]
    centre_x, centre_y = region["x"] + region["w"] / 2, region["y"] + region["h"] / 2
    assert signal.finding == "edited_copy"
    assert abs(centre_x - xs.mean() / listing.shape[1]) < 0.05
    assert abs(centre_y - ys.mean() / listing.shape[0]) < 0.05
    heat = reference_match.heatmap(results[0])
    assert heat is not None and heat.ndim == 3


def test_it_calls_an_untouched_copy_a_copy(listing, references):
    signal, _ = _check(T.recompress(listing, 70), references)

    assert signal.finding == "copy"
    assert signal.strength == Strength.STRONG


@pytest.mark.parametrize("seed", range(8))
def test_it_does_not_flag_a_new_photograph_of_the_same_model(model, references, seed):
    photo = T.render(
        model, np.random.default_rng(200 + seed), damage=["crack", "stain", "dent", None][seed % 4]
    )

    signal, _ = _check(photo, references)

    assert signal.strength == Strength.NONE, signal.details


def test_it_does_not_flag_a_photo_of_another_product(other_photo, references):
    signal, results = _check(other_photo, references)

    assert signal.finding == "independent"


def test_it_says_so_when_there_is_nothing_to_compare_with(genuine_photo):
    signal, _ = _check(genuine_photo, reference_match.ReferenceSet())

    assert signal.finding == "no_reference"


def test_the_engine_writes_a_heatmap_for_a_forgery(listing, references):
    forged = T.draw_crack(listing, np.random.default_rng(3), width=3)

    report = analyze(EvidenceImage(T.encode(forged)), references=references)

    assert report.risk == "high"
    assert report.heatmap is not None


def test_two_objects_on_the_same_flat_dark_backdrop_are_not_copies():
    rng = np.random.default_rng(31)
    dark = (24, 22, 20)
    listing = T.render(T.make_model(41), rng, studio=True, backdrop=dark)
    refs = reference_match.ReferenceSet()
    refs.add("listing-41", listing)
    other = T.render(T.make_model(42), rng, studio=True, backdrop=dark)

    signal, _ = _check(other, refs)

    assert signal.strength == Strength.NONE, signal.details


def test_a_laundered_copy_of_finely_textured_listing_is_still_a_copy():
    from skimage import data as skdata

    rng = np.random.default_rng(32)
    listing = cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR)
    refs = reference_match.ReferenceSet()
    refs.add("listing-astronaut", listing)
    forged = T.draw_stain(listing, rng)
    laundered = T.recompress(
        T.resize(T.perspective(T.rotate(T.colour_filter(forged, rng), 3.5), rng), 0.6), 45
    )

    signal, _ = _check(laundered, refs)

    assert signal.strength == Strength.STRONG, signal.details


def test_a_copy_of_the_shipping_photo_is_caught_like_a_copy_of_the_listing(model):
    rng = np.random.default_rng(33)
    shipping = T.render(model, rng)
    refs = reference_match.ReferenceSet()
    refs.add("shipping-7", shipping, kind="shipping")
    forged = T.recompress(T.colour_filter(T.rotate(T.draw_stain(shipping, rng, opacity=0.5), 2.5), rng), 60)

    signal, _ = _check(forged, refs)

    assert signal.strength == Strength.STRONG, signal.details


def test_a_shipping_photo_copy_cropped_by_a_fifth_and_rotated_is_still_a_copy(genuine_photo):
    rng = np.random.default_rng(15)
    refs = reference_match.ReferenceSet()
    refs.add("shipping-7", genuine_photo, kind="shipping")
    cropped = T.rotate(T.crop(T.draw_stain(genuine_photo, rng, opacity=0.6), rng, 0.78), -4.5)
    forged = T.recompress(T.colour_filter(T.resize(cropped, 0.5), rng), 50)

    signal, _ = _check(forged, refs)

    assert signal.strength == Strength.STRONG, signal.details


def test_a_copy_of_a_blurred_photo_with_few_sharp_corners_is_still_a_copy():
    from skimage import data as skdata

    rng = np.random.default_rng(15)
    clock = cv2.cvtColor(skdata.clock(), cv2.COLOR_GRAY2BGR)  # motion-blurred: few corners at threshold 12
    refs = reference_match.ReferenceSet()
    refs.add("listing-clock", clock)
    laundered = T.recompress(T.resize(T.rotate(T.draw_stain(clock, rng), 3), 0.7), 50)

    signal, _ = _check(laundered, refs)

    assert signal.strength == Strength.STRONG, signal.details


def _fine_textured_scene() -> np.ndarray:
    """A 2048 px "world": a photograph enlarged, with fabric-like texture finer than 3 px on top."""
    from skimage import data as skdata

    base = cv2.resize(
        cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR), (2048, 2048), interpolation=cv2.INTER_CUBIC
    )
    weave = cv2.GaussianBlur(
        np.random.default_rng(40).normal(0, 12, (2048, 2048)).astype(np.float32), (0, 0), 0.7
    )
    return np.clip(base + weave[..., None], 0, 255).astype(np.uint8)


def test_a_new_close_up_of_part_of_the_listing_is_not_a_copy_of_it():
    # The listing holds the scene at 512 px, where the texture averages out; the buyer's close-up
    # of one part resolves it. Aligned with the listing, but no enlargement of it has that detail.
    scene = _fine_textured_scene()
    refs = reference_match.ReferenceSet()
    refs.add("listing-scene", cv2.resize(scene, (512, 512), interpolation=cv2.INTER_AREA))
    close_up = cv2.resize(scene[600:1320, 700:1420], (640, 640), interpolation=cv2.INTER_AREA)

    signal, results = _check(close_up, refs)

    assert signal.strength == Strength.NONE, signal.details
    assert results[0].magnification > reference_match.MAGNIFIED
    assert results[0].detail_ratio > reference_match.DETAIL_RATIO


def test_the_same_part_of_the_listing_enlarged_and_painted_on_is_still_a_copy():
    rng = np.random.default_rng(41)
    listing = cv2.resize(_fine_textured_scene(), (512, 512), interpolation=cv2.INTER_AREA)
    refs = reference_match.ReferenceSet()
    refs.add("listing-scene", listing)
    enlarged = cv2.resize(listing[150:330, 175:355], (640, 640), interpolation=cv2.INTER_CUBIC)
    forged = T.recompress(T.draw_crack(enlarged, rng, width=3), 70)

    signal, results = _check(forged, refs)

    assert signal.strength == Strength.STRONG, signal.details
    assert results[0].magnification > reference_match.MAGNIFIED


def test_a_listing_photo_seen_small_in_a_corner_of_another_photo_is_not_a_copy(listing, references):
    # Another catalog view can contain a close-up listing photo's subject small, in one part of
    # its frame: it lines up there, but a reused photo fills the claim's frame.
    rng = np.random.default_rng(42)
    other = T.render(T.make_model(43), rng)
    small = T.resize(listing, 0.35)
    other[20 : 20 + small.shape[0], 20 : 20 + small.shape[1]] = small

    signal, results = _check(other, references)

    assert signal.strength == Strength.NONE, signal.details
    assert results and results[0].overlap < reference_match.COPY_COVER


def test_colour_fit_through_normal_equations_matches_lstsq_on_the_whole_design():
    from anxin.evidence.detectors.reference_match import _design, _least_squares

    rng = np.random.default_rng(3)
    target = rng.random((5000, 3))
    photo = _design(rng.random((5000, 3)))  # many colours: the fast path
    assert np.allclose(
        _least_squares(photo, target), np.linalg.lstsq(photo, target, rcond=None)[0], atol=1e-10
    )
    # Two colours only (a flat render): rank-deficient, solved like lstsq (minimum-norm), not a singular solve.
    flat = _design(np.repeat(rng.random((2, 3)), 2500, axis=0))
    assert np.allclose(_least_squares(flat, target), np.linalg.lstsq(flat, target, rcond=None)[0], atol=1e-10)
