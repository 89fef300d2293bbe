"""Synthetic phone photos for the service report benchmarks (bench/report.py, bench/report_engines.py).

Gradients, coloured shapes and sensor-like noise, saved as JPEG quality 90: a 3000x4000 picture comes out
at ~3 MB, like a 12-megapixel phone photo, and decodes like one (flat colour would decode far faster).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def phone_photo(seed: int, width: int = 3000, height: int = 4000) -> bytes:
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    base = np.stack([120 + 80 * y + 0 * x, 100 + 60 * x + 0 * y, 90 + 50 * x * y], axis=-1)
    noise = rng.normal(0, 9, (height, width, 3)).astype(np.float32)
    image = Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x0, y0 = int(rng.integers(0, width - width // 8)), int(rng.integers(0, height - height // 8))
        w, h = int(rng.integers(width // 60, width // 8)), int(rng.integers(height // 60, height // 8))
        draw.rectangle([x0, y0, x0 + w, y0 + h], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()
