"""Benchmark for the evidence analysis engine (issue #5): recall per forgery method, false positives
on genuine photos, time per image on one core.

    taskset -c 1 .venv/bin/python bench/evidence.py --seed 2 --runs 3

Everything is generated offline: synthetic appliance renders (anxin.evidence.testing) plus, when
scikit-image is installed (dev dependency), its bundled photographs as stickers, backgrounds and
natural-photo listings. Genuine claim photos are independent renders of the same product model
(new viewpoint, light, background, noise) or independent photographs (the motorcycle stereo pair).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anxin.evidence import testing as T  # noqa: E402
from anxin.evidence.analysis import analyze  # noqa: E402
from anxin.evidence.detectors.base import EvidenceImage  # noqa: E402
from anxin.evidence.detectors.reference_match import ReferenceSet  # noqa: E402
from anxin.evidence.hashindex import HashIndex, compute_hashes  # noqa: E402

DERIVED = ("drawn_crack", "blended_stain", "poisson_patch", "inpaint_break")
GENERATED = ("aigc_label_png", "aigc_label_jpeg_xmp", "sd_watermark", "c2pa_ai", "reused_claim")


@dataclass
class Sample:
    truth: str  # "genuine" or "forged"
    method: str
    data: bytes
    references: ReferenceSet


def skimage_photos() -> dict[str, np.ndarray]:
    try:
        from skimage import data as skdata
    except ImportError:
        return {}
    photos = {}
    try:
        left, right, _ = skdata.stereo_motorcycle()
        photos["motorcycle_left"] = cv2.cvtColor(left, cv2.COLOR_RGB2BGR)
        photos["motorcycle_right"] = cv2.cvtColor(right, cv2.COLOR_RGB2BGR)
    except Exception:  # noqa: BLE001 - the stereo pair is missing from this scikit-image build
        pass
    for name in (
        "coffee",
        "chelsea",
        "astronaut",
        "rocket",
        "brick",
        "grass",
        "gravel",
        "color",
        "hubble_deep_field",
        "retina",
        "ihc",
        "logo",
    ):
        try:
            rgb = getattr(skdata, name)()
        except Exception:  # noqa: BLE001 - some images need a network fetch: skip them
            continue
        if rgb.ndim == 2:
            rgb = np.stack([rgb] * 3, axis=2)
        photos[name] = cv2.cvtColor(rgb[..., :3].astype(np.uint8), cv2.COLOR_RGB2BGR)
    return photos


def c2pa_signer():  # noqa: ANN201 - optional dependency
    try:
        from anxin.evidence.tests.c2pa_support import make_signer
    except ImportError:
        return None
    return make_signer()


def post_process(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """The random chain a forger applies after painting the damage."""
    steps = []
    if rng.random() < 0.4:
        image, _ = T.colour_filter(image, rng), steps.append("filter")
    if rng.random() < 0.5:
        factor = float(rng.uniform(0.5, 1.4))
        image, _ = T.resize(image, factor), steps.append(f"resize{factor:.2f}")
    if rng.random() < 0.5:
        keep = float(rng.uniform(0.7, 0.95))
        image, _ = T.crop(image, rng, keep), steps.append(f"crop{keep:.2f}")
    if rng.random() < 0.3:
        angle = float(rng.uniform(-6, 6))
        image, _ = T.rotate(image, angle), steps.append(f"rot{angle:.1f}")
    if rng.random() < 0.15:
        image, _ = cv2.flip(image, 1), steps.append("mirror")
    if rng.random() < 0.5:
        quality = int(rng.integers(50, 90))
        image, _ = T.recompress(image, quality), steps.append(f"jpeg{quality}")
    return image, steps


def encode_claim(image: np.ndarray, rng: np.random.Generator, *, forged: bool) -> bytes:
    """Genuine: straight from a phone or through WeChat (EXIF stripped). Forged: stripped, faked or editor-tagged."""
    quality = int(rng.integers(75, 96))
    roll = rng.random()
    if roll < 0.45:
        return T.encode(image, quality=quality)  # stripped (chat app or deliberate)
    height, width = image.shape[:2]
    if forged and roll > 0.85:
        return T.encode(image, quality=quality, exif=T.camera_exif(software="Meitu 10.2"))
    software = str(rng.choice(["HDR+ 1.0", "ELS-AN00 4.0.0", "iOS 17.5", None]))
    return T.encode(
        image,
        quality=quality,
        exif=T.camera_exif(size=(width, height), software=None if software == "None" else software),
    )


def build(seed: int, total: int) -> tuple[list[Sample], HashIndex]:
    rng = np.random.default_rng(seed)
    photos = skimage_photos()
    stickers = [p for n, p in photos.items() if n not in ("brick", "grass", "gravel")]
    backgrounds = [
        photos[n] for n in ("brick", "grass", "gravel", "coffee", "color", "chelsea") if n in photos
    ]
    models = [
        T.make_model(1000 * seed + i, stickers[i % len(stickers)] if stickers else None) for i in range(30)
    ]
    reference_sets = []
    for model in models:
        refs = ReferenceSet()
        listings = [T.render(model, rng, studio=True) for _ in range(2)]
        for i, listing in enumerate(listings):
            refs.add(f"listing-{model.seed}-{i}", listing)
        refs.add(f"shipping-{model.seed}", T.render(model, rng), kind="shipping")
        reference_sets.append((model, refs, listings))
    natural = [
        (name, photos[name])
        for name in ("coffee", "chelsea", "astronaut", "rocket", "motorcycle_left")
        if name in photos
    ]
    natural_sets = []
    for name, photo in natural:
        refs = ReferenceSet()
        refs.add(f"listing-{name}", photo)
        natural_sets.append((name, refs, photo))

    # Evidence from earlier claims: the reuse index. Some of it is re-submitted as "reused_claim".
    index = HashIndex()
    earlier: list[np.ndarray] = []
    for i in range(120):
        model = models[i % len(models)]
        photo = T.render(
            model,
            rng,
            damage=str(rng.choice(["crack", "stain", "dent"])),
            background=backgrounds[i % len(backgrounds)] if backgrounds else None,
        )
        earlier.append(photo)
        index.add(f"earlier-{i}", compute_hashes(cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)))

    signer = c2pa_signer()
    samples: list[Sample] = []
    half = total // 2
    # Genuine: new photographs of the same models, damaged or not.
    stereo = "motorcycle_right" in photos and "motorcycle_left" in photos
    for i in range(half):
        if stereo and i % 25 == 0:
            refs = ReferenceSet()
            refs.add("listing-motorcycle_left", photos["motorcycle_left"])
            image = T.crop(photos["motorcycle_right"], rng, float(rng.uniform(0.75, 1.0)))
            samples.append(
                Sample("genuine", "stereo_pair_photo", encode_claim(image, rng, forged=False), refs)
            )
            continue
        model, refs, _ = reference_sets[i % len(reference_sets)]
        damage = [None, "crack", "stain", "dent"][i % 4]
        background = (
            backgrounds[int(rng.integers(len(backgrounds)))] if backgrounds and rng.random() < 0.6 else None
        )
        image = T.render(model, rng, damage=damage, background=background)
        samples.append(
            Sample("genuine", f"new_photo_{damage or 'intact'}", encode_claim(image, rng, forged=False), refs)
        )
    # Forged.
    for i in range(total - half):
        method = (DERIVED * 2 + GENERATED)[i % (len(DERIVED) * 2 + len(GENERATED))]
        method_suffix = ""
        if method in DERIVED:
            roll = rng.random()
            if natural_sets and roll < 0.2:
                _, refs, base = natural_sets[int(rng.integers(len(natural_sets)))]
            elif roll < 0.4:  # painted onto this order's own shipping photo
                _, refs, _ = reference_sets[int(rng.integers(len(reference_sets)))]
                base = refs.references[-1].features.bgr
                method_suffix = "_on_shipping_photo"
            else:
                _, refs, listings = reference_sets[int(rng.integers(len(reference_sets)))]
                base = listings[int(rng.integers(len(listings)))]
            painted = {
                "drawn_crack": lambda b: T.draw_crack(b, rng, width=int(rng.integers(1, 4))),
                "blended_stain": lambda b: T.draw_stain(b, rng, opacity=float(rng.uniform(0.35, 0.8))),
                "poisson_patch": lambda b: T.paste_patch(b, rng),
                "inpaint_break": lambda b: T.inpaint_damage(b, rng),
            }[method](base)
            image, _ = post_process(painted, rng)
            data = encode_claim(image, rng, forged=True)
        else:
            model, refs, _ = reference_sets[int(rng.integers(len(reference_sets)))]
            # A fully generated picture of a damaged item of this model: not a copy of any reference.
            generated = T.render(model, rng, damage=str(rng.choice(["crack", "stain", "dent"])))
            if method == "aigc_label_png":
                data = T.aigc_png(generated, as_xmp=bool(rng.random() < 0.5))
            elif method == "aigc_label_jpeg_xmp":
                data = T.aigc_jpeg(generated, fmt=str(rng.choice(["JPEG", "WEBP"])))
            elif method == "sd_watermark":
                data = T.encode(T.sd_watermark(generated), "PNG")
            elif method == "c2pa_ai":
                if signer is None:
                    continue
                from anxin.evidence.tests.c2pa_support import sign_jpeg

                data = sign_jpeg(T.encode(generated, quality=90), signer)
            else:  # reused_claim: an earlier claim's photo, recompressed and resized
                photo = earlier[int(rng.integers(len(earlier)))]
                data = T.encode(
                    T.resize(photo, float(rng.uniform(0.6, 1.0))), quality=int(rng.integers(60, 90))
                )
        samples.append(Sample("forged", method + method_suffix, data, refs))
    return samples, index


def run(samples: list[Sample], index: HashIndex) -> tuple[list[tuple[Sample, str, list[str]]], list[float]]:
    outcomes, times = [], []
    for sample in samples:
        started = time.perf_counter()
        image = EvidenceImage(sample.data)
        report = analyze(image, references=sample.references, index=index, want_heatmap=True)
        times.append(time.perf_counter() - started)
        outcomes.append((sample, report.risk, [f"{s.check}:{s.finding}" for s in report.reasons]))
    return outcomes, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--total", type=int, default=520)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    built = time.perf_counter()
    samples, index = build(args.seed, args.total)
    print(
        f"built {len(samples)} samples in {time.perf_counter() - built:.0f}s; load {os.getloadavg()[0]:.2f}"
    )
    medians, p95s = [], []
    outcomes: list[tuple[Sample, str, list[str]]] = []
    for _ in range(args.runs):
        outcomes, times = run(samples, index)
        medians.append(statistics.median(times))
        p95s.append(sorted(times)[int(0.95 * len(times))])
    per_method: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    reasons: dict[str, int] = defaultdict(int)
    for sample, risk, why in outcomes:
        counts = per_method[(sample.truth, sample.method)]
        counts[0] += 1
        counts[1] += risk != "low"
        counts[2] += risk == "high"
        if sample.truth == "genuine" and risk != "low":
            for reason in why:
                reasons[reason] += 1
            if args.verbose:
                print("FP", sample.method, risk, why)
        if sample.truth == "forged" and risk == "low" and args.verbose:
            print("FN", sample.method, why)
    print("\n| set | method | n | flagged (medium+high) | high |\n|---|---|---:|---:|---:|")
    totals = {"genuine": [0, 0, 0], "forged": [0, 0, 0]}
    for (truth, method), (n, flagged, high) in sorted(per_method.items()):
        print(f"| {truth} | {method} | {n} | {flagged / n:.1%} | {high / n:.1%} |")
        for k, v in enumerate((n, flagged, high)):
            totals[truth][k] += v
    for truth, (n, flagged, high) in totals.items():
        label = "recall" if truth == "forged" else "false-positive rate"
        print(f"| **{truth}** | **all** ({label}) | {n} | **{flagged / n:.1%}** | {high / n:.1%} |")
    print(f"\ngenuine flagged because of: {dict(reasons)}")
    print(
        f"time per image (one core): median of run medians {statistics.median(medians) * 1000:.0f} ms "
        f"(runs: {', '.join(f'{m * 1000:.0f}' for m in medians)}), p95 {statistics.median(p95s) * 1000:.0f} ms"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
        f"opencv {cv2.__version__}, {dt.datetime.now(dt.UTC).date().isoformat()}, load after {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
