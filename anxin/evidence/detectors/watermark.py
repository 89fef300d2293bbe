"""Known invisible watermarks: the DWT-DCT marks Stable Diffusion's reference pipelines embed.

Payloads (from the public generation scripts): SD 1.x "StableDiffusionV1" (136 bits), SD 2.x
"SDV2" (32 bits), SDXL a fixed 48-bit pattern. A payload is reported when enough decoded bits
agree that chance agreement is below about 1e-5 (a random image agrees on ~50% of bits).
"""

from __future__ import annotations

import numpy as np

from . import dwtdct
from .base import EvidenceImage, Signal, Strength

CHECK = "invisible_watermark"
SDXL_BITS = np.array(
    [int(b) for b in f"{0b101100111110110010010000011110111011000110011110:048b}"], dtype=np.uint8
)
KNOWN_PAYLOADS: dict[str, np.ndarray] = {
    "Stable Diffusion 1.x": dwtdct.bytes_to_bits(b"StableDiffusionV1"),
    "Stable Diffusion 2.x": dwtdct.bytes_to_bits(b"SDV2"),
    "Stable Diffusion XL": SDXL_BITS,
}
# Minimum share of matching bits per payload length (binomial tail below 1e-5 for a random image).
MIN_AGREEMENT = {136: 0.72, 48: 0.83, 32: 0.91}
MIN_PIXELS = 256 * 256


def check(image: EvidenceImage) -> Signal:
    bgr = image.bgr_full
    if bgr.shape[0] * bgr.shape[1] < MIN_PIXELS:
        return Signal(
            CHECK,
            "too_small",
            Strength.NONE,
            "Image too small to test for invisible watermarks.",
            "图片过小，无法检测隐形水印。",
        )
    best_name, best_agreement = "", 0.0
    votes = dwtdct.block_votes(bgr, skip_clipped=True)
    for name, bits in KNOWN_PAYLOADS.items():
        scores = dwtdct.scores_from_votes(votes, len(bits))
        # The original fixed threshold, and one at the median score: the fixed one fails when the
        # image's chroma level biases every block's vote the same way (noisy, low-contrast images).
        agreement = max(
            float(((scores * 255 > 127) == bits).mean()),
            float(((scores > np.median(scores)) == bits).mean()),
        )
        if agreement >= MIN_AGREEMENT[len(bits)] and agreement > best_agreement:
            best_name, best_agreement = name, agreement
    if best_name:
        return Signal(
            CHECK,
            "ai_watermark",
            Strength.STRONG,
            f"Invisible {best_name} watermark decoded ({best_agreement:.0%} of bits match): AI generated.",
            f"检测到 {best_name} 隐形水印（{best_agreement:.0%} 比特一致）：AI 生成图片。",
            {"payload": best_name, "bit_agreement": round(best_agreement, 3)},
        )
    return Signal(CHECK, "absent", Strength.NONE, "No known invisible watermark.", "未检测到已知隐形水印。")
