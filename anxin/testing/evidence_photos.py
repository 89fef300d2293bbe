"""Synthetic product photos, forgeries and labelled files for the tests and the benchmark.

Nothing here is used in production. A "product model" is a box-shaped appliance whose front
panel is a procedurally drawn texture (door, buttons, display, logo, sticker). ``render`` takes an
independent photograph of it: its own viewpoint, lighting, background, blur, sensor noise and
JPEG encoding, optionally with real damage drawn on the panel *before* projection (so the damage
is photographed with the item, as in a genuine claim). Listing photos are studio renders on a
white sweep. Forgeries start from a listing photo and paint damage into its pixels.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, PngImagePlugin

from anxin.evidence.detectors import aigc_label, dwtdct

BRANDS = ("ANXIN", "HAIER", "MIDEA", "GREE", "AUX", "TCL", "SKYWORTH", "CHIGO", "HISENSE", "VATTI")


@dataclass(frozen=True)
class ProductModel:
    seed: int
    front: np.ndarray  # BGR texture of the front panel
    side: np.ndarray
    size: tuple[float, float, float]  # width, height, depth in metres


def _noise_texture(
    rng: np.random.Generator, shape: tuple[int, int], scale: float, amplitude: float
) -> np.ndarray:
    small = rng.normal(0, 1, (max(2, int(shape[0] / scale)), max(2, int(shape[1] / scale)))).astype(
        np.float32
    )
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC) * amplitude


def make_model(seed: int, sticker: np.ndarray | None = None) -> ProductModel:
    """A box appliance with a distinctive front panel (washing machine, oven or fridge style)."""
    rng = np.random.default_rng(seed)
    height, width = 600, int(rng.integers(380, 520))
    base = rng.choice([[235, 235, 232], [200, 205, 210], [60, 60, 65], [215, 225, 235], [180, 200, 215]])
    front = np.empty((height, width, 3), np.float32)
    front[:] = base
    front += _noise_texture(rng, (height, width), 3, 3)[..., None]
    front += _noise_texture(rng, (height, width), 60, 6)[..., None]
    front = np.clip(front, 0, 255).astype(np.uint8)
    style = seed % 3
    dark = tuple(int(v) for v in rng.integers(20, 90, 3))
    accent = tuple(int(v) for v in rng.integers(40, 230, 3))
    cv2.rectangle(front, (10, 10), (width - 10, 95), tuple(int(v * 0.85) for v in base), -1)
    cv2.rectangle(front, (10, 10), (width - 10, 95), dark, 2)
    for i in range(int(rng.integers(4, 9))):
        x = 25 + i * 38
        if x + 24 < width - 130:
            cv2.circle(front, (x + 12, 55), 11, accent if i % 2 else dark, -1 if i % 3 else 2)
    cv2.rectangle(front, (width - 125, 25), (width - 25, 80), (20, 40, 25), -1)
    cv2.putText(
        front,
        f"{rng.integers(10, 99)}:{rng.integers(10, 59)}",
        (width - 118, 68),
        cv2.FONT_HERSHEY_SIMPLEX,
        1.0,
        (60, 230, 90),
        2,
        cv2.LINE_AA,
    )
    brand = BRANDS[seed % len(BRANDS)]
    cv2.putText(front, brand, (22, height - 30), cv2.FONT_HERSHEY_DUPLEX, 1.1, dark, 2, cv2.LINE_AA)
    if style == 0:  # front-loading washer: door with a glass porthole
        centre, radius = (width // 2, 330), int(min(width, 400) * 0.36)
        cv2.circle(front, centre, radius, dark, 8, cv2.LINE_AA)
        cv2.circle(front, centre, radius - 22, (90, 95, 100), -1, cv2.LINE_AA)
        cv2.circle(front, centre, radius - 40, (140, 150, 160), -1, cv2.LINE_AA)
        for k in range(5):
            angle = rng.uniform(0, 2 * np.pi)
            end = (
                int(centre[0] + np.cos(angle) * (radius - 50)),
                int(centre[1] + np.sin(angle) * (radius - 50)),
            )
            if k % 2:
                cv2.line(front, centre, end, (170, 175, 185), 2, cv2.LINE_AA)
    elif style == 1:  # oven: window with a grid
        cv2.rectangle(front, (40, 140), (width - 40, 480), dark, -1)
        for y in range(160, 470, 22):
            cv2.line(front, (55, y), (width - 55, y), (70, 70, 75), 1)
        cv2.rectangle(front, (60, 115), (width - 60, 128), (150, 150, 155), -1)
    else:  # fridge: two doors and a handle
        cv2.line(front, (10, 300), (width - 10, 300), dark, 3)
        cv2.rectangle(front, (width - 60, 120), (width - 45, 260), (150, 150, 155), -1)
        cv2.rectangle(front, (width - 60, 330), (width - 45, 520), (150, 150, 155), -1)
        cv2.rectangle(front, (40, 130), (200, 240), accent, 2)
    if sticker is not None:  # energy label or product photo sticker: natural texture
        patch = cv2.resize(sticker, (110, 140))
        x0, y0 = 30, 330 if style != 1 else 490 - 140
        y0 = min(y0, height - 160)
        front[y0 : y0 + 140, x0 : x0 + 110] = patch
    for _ in range(int(rng.integers(6, 14))):  # screws, vents, small print
        x, y = int(rng.integers(20, width - 20)), int(rng.integers(100, height - 60))
        cv2.circle(front, (x, y), int(rng.integers(2, 5)), dark, -1, cv2.LINE_AA)
    side = np.empty((height, 300, 3), np.float32)
    side[:] = np.asarray(base) * 0.92
    side += _noise_texture(rng, (height, 300), 3, 3)[..., None]
    side = np.clip(side, 0, 255).astype(np.uint8)
    for y in range(60, 200, 14):
        cv2.line(side, (40, y), (260, y), tuple(int(v * 0.6) for v in base), 3)
    depth = float(rng.uniform(0.5, 0.7))
    return ProductModel(
        seed,
        np.clip(front, 0, 255).astype(np.uint8),
        np.clip(side, 0, 255).astype(np.uint8),
        (width / 600 * 0.85, 0.85, depth),
    )


def draw_crack(
    image: np.ndarray,
    rng: np.random.Generator,
    *,
    box: tuple[int, int, int, int] | None = None,
    colour: tuple[int, int, int] = (25, 25, 25),
    width: int = 2,
) -> np.ndarray:
    """A branching dark crack, inside ``box`` (x, y, w, h) or somewhere central."""
    out = image.copy()
    h, w = out.shape[:2]
    x0, y0, bw, bh = box or (int(w * 0.3), int(h * 0.25), int(w * 0.4), int(h * 0.5))
    point = np.array([x0 + rng.uniform(0.2, 0.8) * bw, y0 + rng.uniform(0.1, 0.4) * bh])
    direction = rng.uniform(0.3, 2.8)
    length = max(bw, bh) * rng.uniform(0.35, 0.7)
    steps = 14
    for i in range(steps):
        direction += rng.normal(0, 0.45)
        nxt = point + length / steps * np.array([np.cos(direction), np.sin(direction)])
        cv2.line(
            out,
            tuple(int(v) for v in point),
            tuple(int(v) for v in nxt),
            colour,
            max(1, width - i // 6),
            cv2.LINE_AA,
        )
        if rng.random() < 0.25:
            side = direction + rng.choice([-1, 1]) * rng.uniform(0.6, 1.2)
            branch = point + length / steps * 2.5 * np.array([np.cos(side), np.sin(side)])
            cv2.line(out, tuple(int(v) for v in point), tuple(int(v) for v in branch), colour, 1, cv2.LINE_AA)
        point = nxt
    return out


def draw_stain(image: np.ndarray, rng: np.random.Generator, *, opacity: float = 0.6) -> np.ndarray:
    """A soft-edged brownish blob blended into the picture."""
    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.float32)
    centre = (int(rng.uniform(0.3, 0.7) * w), int(rng.uniform(0.3, 0.7) * h))
    for _ in range(6):
        offset = (int(centre[0] + rng.normal(0, w * 0.03)), int(centre[1] + rng.normal(0, h * 0.03)))
        axes = (int(w * rng.uniform(0.03, 0.08)), int(h * rng.uniform(0.03, 0.08)))
        cv2.ellipse(mask, offset, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(2.0, w * 0.01)) * opacity
    stain = np.array([rng.uniform(20, 60), rng.uniform(50, 90), rng.uniform(90, 130)], np.float32)
    out = image.astype(np.float32) * (1 - mask[..., None]) + stain * mask[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def paste_patch(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Generative-fill style edit: a crack patch Poisson-blended in, so its edges carry no seam."""
    h, w = image.shape[:2]
    ph, pw = int(h * rng.uniform(0.15, 0.3)), int(w * rng.uniform(0.15, 0.3))
    patch = np.full((ph, pw, 3), 128, np.uint8)
    patch = draw_crack(patch, rng, box=(0, 0, pw, ph), colour=(10, 10, 10), width=4)
    patch = draw_stain(patch, rng, opacity=0.5)
    centre = (int(rng.uniform(0.35, 0.65) * w), int(rng.uniform(0.35, 0.65) * h))
    mask = np.full(patch.shape[:2], 255, np.uint8)
    return cv2.seamlessClone(patch, image, mask, centre, cv2.MIXED_CLONE)


def inpaint_damage(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Remove a part (inpaint) and leave a jagged broken edge: "this knob/corner broke off"."""
    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    pts = np.array(
        [
            [
                rng.uniform(0.3, 0.7) * w + rng.normal(0, w * 0.06),
                rng.uniform(0.3, 0.7) * h + rng.normal(0, h * 0.06),
            ]
            for _ in range(7)
        ],
        np.int32,
    )
    cv2.fillPoly(mask, [cv2.convexHull(pts)], 255)
    out: np.ndarray = cv2.inpaint(image, mask, 5, cv2.INPAINT_TELEA)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(out, contours, -1, (30, 30, 30), 2, cv2.LINE_AA)
    noise = rng.normal(0, 6, out.shape).astype(np.float32) * (mask[..., None] > 0)
    return np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def _shade(
    texture: np.ndarray,
    gain: float,
    gradient: tuple[float, float],
    highlight: float,
    rng: np.random.Generator,
) -> np.ndarray:
    h, w = texture.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    light = gain * (1 + gradient[0] * (xs / w - 0.5) + gradient[1] * (ys / h - 0.5))
    if highlight > 0:
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.1, 0.6) * h
        light += highlight * np.exp(-(((xs - cx) / (0.25 * w)) ** 2 + ((ys - cy) / (0.2 * h)) ** 2))
    return np.clip(texture.astype(np.float32) * light[..., None], 0, 255)


def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    cy, sy, cp, sp, cr, sr = (
        np.cos(yaw),
        np.sin(yaw),
        np.cos(pitch),
        np.sin(pitch),
        np.cos(roll),
        np.sin(roll),
    )
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return rz @ rx @ ry


def render(
    model: ProductModel,
    rng: np.random.Generator,
    *,
    studio: bool = False,
    size: tuple[int, int] = (800, 600),
    background: np.ndarray | None = None,
    damage: str | None = None,
    backdrop: tuple[int, int, int] | None = None,
) -> np.ndarray:
    """One photograph of ``model``. ``studio`` = merchant listing shot; otherwise a buyer's phone photo.

    ``backdrop`` = a flat, textureless studio backdrop of that BGR colour (a dark cloth, a grey card).
    """
    width, height = size
    front = model.front
    if damage == "crack":
        front = draw_crack(front, rng, width=3)
    elif damage == "stain":
        front = draw_stain(front, rng)
    elif damage == "dent":
        front = inpaint_damage(front, rng)
    if studio:
        canvas: np.ndarray = np.full((height, width, 3), 248, np.float32)
        canvas -= np.linspace(0, 18, height, dtype=np.float32)[:, None, None]
        if backdrop is not None:
            canvas[:] = np.asarray(backdrop, np.float32)
        yaw, pitch, roll, distance = (
            rng.uniform(-0.45, -0.2),
            rng.uniform(0.12, 0.25),
            0.0,
            rng.uniform(2.3, 2.6),
        )
        gains = (1.0, 0.78, 0.9)
        gradient, highlight = (0.0, -0.05), 0.0
    else:
        if backdrop is not None:
            canvas = np.empty((height, width, 3), np.float32)
            canvas[:] = np.asarray(backdrop, np.float32)
        elif background is None:
            colour = rng.uniform(60, 220, 3)
            canvas = np.empty((height, width, 3), np.float32)
            canvas[:] = colour
            canvas += _noise_texture(rng, (height, width), rng.uniform(4, 40), rng.uniform(5, 25))[..., None]
        else:
            y0 = int(rng.integers(0, max(1, background.shape[0] - height // 2)))
            x0 = int(rng.integers(0, max(1, background.shape[1] - width // 2)))
            crop = background[y0:, x0:]
            canvas = cv2.resize(crop, (width, height)).astype(np.float32) * rng.uniform(0.6, 1.1)
        canvas[int(height * rng.uniform(0.65, 0.8)) :] *= rng.uniform(0.55, 0.85)  # floor
        yaw = rng.uniform(-0.75, 0.75)
        pitch, roll, distance = rng.uniform(0.0, 0.45), rng.normal(0, 0.06), rng.uniform(1.2, 2.6)
        base = rng.uniform(0.65, 1.2)
        gains = (base, base * rng.uniform(0.55, 0.95), base * rng.uniform(0.7, 1.1))
        gradient = (rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.3))
        highlight = rng.uniform(0.0, 0.35)
    w3, h3, d3 = model.size
    corners = {
        "front": np.array(
            [
                [-w3 / 2, -h3 / 2, -d3 / 2],
                [w3 / 2, -h3 / 2, -d3 / 2],
                [w3 / 2, h3 / 2, -d3 / 2],
                [-w3 / 2, h3 / 2, -d3 / 2],
            ]
        ),
        "right": np.array(
            [
                [w3 / 2, -h3 / 2, -d3 / 2],
                [w3 / 2, -h3 / 2, d3 / 2],
                [w3 / 2, h3 / 2, d3 / 2],
                [w3 / 2, h3 / 2, -d3 / 2],
            ]
        ),
        "left": np.array(
            [
                [-w3 / 2, -h3 / 2, d3 / 2],
                [-w3 / 2, -h3 / 2, -d3 / 2],
                [-w3 / 2, h3 / 2, -d3 / 2],
                [-w3 / 2, h3 / 2, d3 / 2],
            ]
        ),
        "top": np.array(
            [
                [-w3 / 2, -h3 / 2, d3 / 2],
                [w3 / 2, -h3 / 2, d3 / 2],
                [w3 / 2, -h3 / 2, -d3 / 2],
                [-w3 / 2, -h3 / 2, -d3 / 2],
            ]
        ),
    }
    normals = {"front": [0, 0, -1], "right": [1, 0, 0], "left": [-1, 0, 0], "top": [0, -1, 0]}
    rotation = _rotation(yaw, -pitch, roll)
    focal = width * rng.uniform(0.9, 1.2)
    centre = np.array([width / 2 + rng.normal(0, width * 0.04), height / 2 + rng.normal(0, height * 0.04)])
    faces = []
    for name, pts in corners.items():
        cam = pts @ rotation.T + np.array([0, 0, distance])
        normal = np.asarray(normals[name]) @ rotation.T
        if normal @ cam.mean(axis=0) >= 0:
            continue  # facing away
        projected = (cam[:, :2] / cam[:, 2:3]) * focal + centre
        faces.append((cam[:, 2].mean(), name, projected.astype(np.float32)))
    for _, name, projected in sorted(faces, reverse=True):
        texture = front if name == "front" else model.side
        gain = gains[0] if name == "front" else (gains[1] if name != "top" else gains[2])
        shaded = _shade(texture, gain, gradient, highlight if name == "front" else 0.0, rng)
        th, tw = shaded.shape[:2]
        source = np.array([[0, 0], [tw, 0], [tw, th], [0, th]], np.float32)
        homography = cv2.getPerspectiveTransform(source, projected)
        warped = cv2.warpPerspective(shaded, homography, (width, height), flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones((th, tw), np.float32), homography, (width, height))
        canvas = canvas * (1 - mask[..., None]) + warped * mask[..., None]
    if not studio:
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        vignette = 1 - rng.uniform(0.1, 0.35) * (((xs / width - 0.5) ** 2 + (ys / height - 0.5) ** 2) * 2)
        canvas *= vignette[..., None]
        canvas = cv2.GaussianBlur(canvas, (0, 0), rng.uniform(0.4, 1.3)).astype(np.float32, copy=False)
        sigma = rng.uniform(1.5, 5.0)
        canvas += (
            rng.normal(0, 1, canvas.shape).astype(np.float32) * sigma * np.sqrt(np.clip(canvas, 1, 255) / 128)
        )
    return np.clip(canvas, 0, 255).astype(np.uint8)


# --- post-processing a forger (or a chat app) applies -------------------------------------------


def recompress(image: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
    assert decoded is not None
    return decoded


def resize(image: np.ndarray, factor: float) -> np.ndarray:
    h, w = image.shape[:2]
    return cv2.resize(
        image, (max(16, int(w * factor)), max(16, int(h * factor))), interpolation=cv2.INTER_AREA
    )


def crop(image: np.ndarray, rng: np.random.Generator, keep: float) -> np.ndarray:
    h, w = image.shape[:2]
    ch, cw = int(h * keep), int(w * keep)
    y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    return image[y : y + ch, x : x + cw].copy()


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REFLECT)


def perspective(image: np.ndarray, rng: np.random.Generator, strength: float = 0.04) -> np.ndarray:
    """A slight keystone warp, as a "straighten" or perspective tool leaves it."""
    h, w = image.shape[:2]
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    jitter = rng.uniform(-strength, strength, (4, 2)).astype(np.float32) * np.array([w, h], np.float32)
    matrix = cv2.getPerspectiveTransform(source, source + jitter)
    return cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REFLECT)


def screenshot(
    photo: np.ndarray, rng: np.random.Generator, size: tuple[int, int] = (720, 1280)
) -> np.ndarray:
    """A phone screenshot of a shopping or chat app: flat UI bars, text lines and one photo in it."""
    width, height = size
    canvas = np.full((height, width, 3), int(rng.integers(235, 250)), np.uint8)
    cv2.rectangle(canvas, (0, 0), (width, 70), tuple(int(v) for v in rng.integers(30, 220, 3)), -1)
    cv2.rectangle(canvas, (0, height - 110), (width, height), (250, 250, 250), -1)
    target_w = width - 40
    scaled = cv2.resize(photo, (target_w, int(photo.shape[0] * target_w / photo.shape[1])))
    top = 100
    bottom = min(height - 300, top + scaled.shape[0])
    canvas[top:bottom, 20 : 20 + target_w] = scaled[: bottom - top]
    y = bottom + 40
    while y < height - 140:
        length = int(rng.integers(width // 3, width - 60))
        cv2.putText(canvas, "x" * (length // 18), (30, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (60, 60, 60), 2)
        y += 44
    return canvas


def colour_filter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone-editor filter: gamma, contrast, saturation and a warm/cool tint."""
    out = image.astype(np.float32) / 255
    out = out ** rng.uniform(0.75, 1.3)
    out = (out - 0.5) * rng.uniform(0.85, 1.2) + 0.5 + rng.uniform(-0.06, 0.06)
    grey = out.mean(axis=2, keepdims=True)
    out = grey + (out - grey) * rng.uniform(0.6, 1.4)
    out *= np.array([rng.uniform(0.92, 1.05), 1.0, rng.uniform(0.95, 1.08)])
    return np.clip(out * 255, 0, 255).astype(np.uint8)


# --- file encodings with and without labels ---------------------------------------------------------

AIGC_FIELDS = {
    "Label": "1",
    "ContentProducer": "001191440300MA5G0000XX00001",
    "ProduceID": "202607010001",
    "ReservedCode1": "",
    "ContentPropagator": "",
    "PropagateID": "",
    "ReservedCode2": "",
}


def camera_exif(
    make: str = "HUAWEI",
    model: str = "ELS-AN00",
    size: tuple[int, int] | None = None,
    software: str | None = None,
    taken: str = "2026:06:30 10:15:00",
) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = make, model
    if software:
        exif[0x0131] = software
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = taken
    if size:
        sub[0xA002], sub[0xA003] = size
    return exif.tobytes()


def encode(
    image: np.ndarray,
    fmt: str = "JPEG",
    *,
    quality: int = 92,
    exif: bytes | None = None,
    xmp: str | None = None,
    png_text: dict[str, str] | None = None,
) -> bytes:
    rgb = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    buffer = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        for key, value in (png_text or {}).items():
            info.add_itxt(key, value)
        if xmp:
            info.add_itxt("XML:com.adobe.xmp", xmp)
        rgb.save(buffer, "PNG", pnginfo=info, **({"exif": exif} if exif else {}))
    else:
        kwargs: dict[str, object] = {"quality": quality}
        if exif:
            kwargs["exif"] = exif
        if xmp:
            kwargs["xmp"] = xmp.encode("utf-8")
        rgb.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def aigc_png(image: np.ndarray, *, as_xmp: bool = False, fields: dict[str, str] | None = None) -> bytes:
    payload = fields or AIGC_FIELDS
    if as_xmp:
        return encode(image, "PNG", xmp=aigc_label.build_xmp(payload))
    return encode(image, "PNG", png_text={"AIGC": json.dumps(payload, ensure_ascii=False)})


def aigc_jpeg(image: np.ndarray, *, fields: dict[str, str] | None = None, fmt: str = "JPEG") -> bytes:
    return encode(image, fmt, xmp=aigc_label.build_xmp(fields or AIGC_FIELDS))


def sd_watermark(image: np.ndarray) -> np.ndarray:
    return dwtdct.encode(image, dwtdct.bytes_to_bits(b"StableDiffusionV1"))
