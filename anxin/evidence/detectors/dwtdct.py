"""DWT-DCT invisible watermark codec, bit-compatible with `invisible-watermark`'s ``dwtDct`` method.

Stable Diffusion's reference scripts mark every output with this scheme. We re-implement the
decoder (and, for tests and the benchmark, the encoder) instead of depending on the
`invisible-watermark` package because that package requires torch and opencv-python (which
clashes with opencv-python-headless) even though ``dwtDct`` needs only PyWavelets and OpenCV:
see docs/adr/0052-evidence-watermark-and-c2pa-dependencies.md. The algorithm is MIT-licensed
(ShieldMnt/invisible-watermark, ``imwatermark/maxDct.py``); this version is vectorised with numpy.

Quirks kept on purpose so our output matches the original byte for byte: only the U channel is
used (the original loops over channels 0-1 with scale 0 for Y), the encoder swaps the horizontal
and vertical detail bands on reconstruction, and it truncates floats back into uint8.
"""

from __future__ import annotations

import cv2
import numpy as np
import pywt

BLOCK = 4
_HAAR = np.float64(pywt.Wavelet("haar").dec_lo[0])  # 1/sqrt(2), as pywt rounds it
SCALES = (0, 36, 36)


def _blocks(ca: np.ndarray) -> tuple[np.ndarray, int, int]:
    rows, cols = ca.shape[0] // BLOCK, ca.shape[1] // BLOCK
    trimmed = ca[: rows * BLOCK, : cols * BLOCK]
    blocks = (
        trimmed.reshape(rows, BLOCK, cols, BLOCK).transpose(0, 2, 1, 3).reshape(rows * cols, BLOCK * BLOCK)
    )
    return blocks, rows, cols


def _unblocks(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    return blocks.reshape(rows, cols, BLOCK, BLOCK).transpose(0, 2, 1, 3).reshape(rows * BLOCK, cols * BLOCK)


def _approximation(channel: np.ndarray) -> np.ndarray:
    """``pywt.dwt2(channel, "haar")[0]`` bit for bit (even sides), several times faster.

    Haar's low-pass taps are both 1/sqrt(2): pywt sums two rounded products per output along each
    axis, and a sum of two floats does not depend on their order, so the same products summed
    with numpy give identical floats without pywt's transposed copies.
    """
    # The same products and sums, scaled in place: a contiguous copy converts faster than a
    # channel strided through a colour picture, and no temporary product arrays are made.
    values = np.ascontiguousarray(channel).astype(np.float64)
    values *= _HAAR
    rows = values[0::2] + values[1::2]
    rows *= _HAAR
    return rows[:, 0::2] + rows[:, 1::2]


def block_votes(bgr: np.ndarray, *, skip_clipped: bool = True) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per watermarked channel: each block's vote (0/1) and whether it may be trusted.

    Blocks touching clipped pixels (0 or 255 in a colour channel) lost their embedded value when
    the encoder converted back to BGR, so ``skip_clipped`` leaves them out of the vote. The
    original decoder counts them; leaving them out only removes noise.
    """
    height, width = bgr.shape[:2]
    yuv = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV)
    out = []
    for channel in range(2):
        scale = SCALES[channel]
        if scale <= 0:
            continue
        ca1 = _approximation(yuv[: height // 4 * 4, : width // 4 * 4, channel])
        blocks, rows, cols = _blocks(ca1)
        index = np.arange(len(blocks))
        pos = np.argmax(np.abs(blocks[:, 1:]), axis=1) + 1  # the first of equal largest, as the original
        value = np.abs(blocks[index, pos])
        votes = ((value % scale) > 0.5 * scale).astype(float)
        trusted = np.ones(len(blocks), bool)
        if skip_clipped and len(blocks):
            # One ca1 block of 4x4 covers 8x8 pixels. A pixel is clipped when a channel is <= 1 or
            # >= 254: outside the range where every channel lies in 2..253 (one pass, no split).
            inside = cv2.inRange(bgr[: rows * 8, : cols * 8], (2, 2, 2), (253, 253, 253))
            clipped = cv2.bitwise_not(inside)
            # Area averaging of a 0/255 mask over 8 x 8 pixels is > 0 exactly when one is clipped.
            any_clipped = cv2.resize(clipped, (cols, rows), interpolation=cv2.INTER_AREA) > 0
            trusted = ~any_clipped.reshape(-1)
        out.append((votes, trusted))
    return out


def scores_from_votes(votes: list[tuple[np.ndarray, np.ndarray]], length: int) -> np.ndarray:
    """Mean vote per payload bit (0..1); ``> 127/255`` is a 1 bit, as in the original decoder."""
    total = np.zeros(length)
    counts = np.zeros(length)
    for block_vote, trusted in votes:
        bit = np.arange(len(block_vote)) % length
        total += np.bincount(bit[trusted], weights=block_vote[trusted], minlength=length)
        counts += np.bincount(bit[trusted], minlength=length)
    return total / np.maximum(counts, 1)


def decode_scores(bgr: np.ndarray, length: int, *, skip_clipped: bool = False) -> np.ndarray:
    return scores_from_votes(block_votes(bgr, skip_clipped=skip_clipped), length)


def decode_bits(bgr: np.ndarray, length: int, *, skip_clipped: bool = False) -> np.ndarray:
    """Exactly the original decoder's output unless ``skip_clipped``."""
    return (decode_scores(bgr, length, skip_clipped=skip_clipped) * 255 > 127).astype(np.uint8)


def encode(bgr: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Embed ``bits`` (array of 0/1) the way ``WatermarkEncoder.encode(img, "dwtDct")`` does."""
    height, width = bgr.shape[:2]
    bits = np.asarray(bits, dtype=np.uint8)
    yuv = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV)
    for channel in range(2):
        scale = SCALES[channel]
        if scale <= 0:
            continue
        ca1, (h1, v1, d1) = pywt.dwt2(yuv[: height // 4 * 4, : width // 4 * 4, channel], "haar")
        blocks, rows, cols = _blocks(ca1)
        index = np.arange(len(blocks))
        pos = np.argmax(np.abs(blocks[:, 1:]), axis=1) + 1
        value = blocks[index, pos]
        wm = bits[index % len(bits)]
        magnitude = (np.abs(value) // scale + 0.25 + 0.5 * wm) * scale
        blocks[index, pos] = np.where(value >= 0, magnitude, -magnitude)
        ca1[: rows * BLOCK, : cols * BLOCK] = _unblocks(blocks, rows, cols)
        yuv[: height // 4 * 4, : width // 4 * 4, channel] = pywt.idwt2((ca1, (v1, h1, d1)), "haar")
    return cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR)


def bytes_to_bits(payload: bytes) -> np.ndarray:
    return np.unpackbits(np.frombuffer(payload, dtype=np.uint8))
