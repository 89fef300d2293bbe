"""GB 45438-2025 implicit metadata label: the ``AIGC`` field AI services must embed.

The standard (Annex E) defines a JSON value with Label, ContentProducer, ProduceID,
ReservedCode1, ContentPropagator, PropagateID and ReservedCode2. Providers write it as
``<TC260:AIGC>{...}</TC260:AIGC>`` (namespace http://www.tc260.org.cn/ns/AIGC/1.0/) inside XMP
(JPEG APP1, PNG iTXt ``XML:com.adobe.xmp``, WebP/HEIF XMP) or as a PNG text chunk named ``AIGC``.
Label "1" means the content is AI generated/synthesised, "2" possibly, "3" suspected.

Generators also write it where their toolchain can write text (docs/benchmarks/evidence.md lists
who writes where): EXIF ImageDescription, XPComment or UserComment, a JPEG COM segment, and XMP in
AVIF/HEIF. Each of these is read, as XMP, as ``AIGC: {...}`` / ``{"AIGC": {...}}``, or as the bare
JSON object.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from .base import EvidenceImage, Signal, Strength

CHECK = "aigc_label"
TC260_NAMESPACE = "http://www.tc260.org.cn/ns/AIGC/1.0/"
AIGC_KEYS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
LABEL_MEANING = {"1": "AI generated", "2": "possibly AI generated", "3": "suspected AI generated"}
LABEL_MEANING_ZH = {
    "1": "人工智能生成合成内容",
    "2": "可能为人工智能生成合成内容",
    "3": "疑似人工智能生成合成内容",
}

_ELEMENT = re.compile(r"<([\w.-]+:)?AIGC(\s[^>]*)?>(.*?)</([\w.-]+:)?AIGC>", re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""[\w.-]+:AIGC\s*=\s*(["'])(.*?)\1""", re.DOTALL | re.IGNORECASE)
_KEYED_JSON = re.compile(r"""AIGC["']?\s*[:=]\s*(\{[^{}]*\})""", re.DOTALL | re.IGNORECASE)
_BARE_JSON = re.compile(r"\{[^{}]*\"Label\"[^{}]*\}", re.DOTALL)
IMAGE_DESCRIPTION, XP_COMMENT, USER_COMMENT, EXIF_IFD = 0x010E, 0x9C9C, 0x9286, 0x8769


def _decode_exif_text(tag: int, value: object) -> str:
    """EXIF text: UserComment has an 8-byte charset prefix, XPComment is UTF-16LE bytes."""
    if isinstance(value, str):
        return value
    if not isinstance(value, bytes | bytearray | tuple):
        return ""
    raw = bytes(value)
    if tag == USER_COMMENT and len(raw) >= 8:
        prefix, body = raw[:8], raw[8:]
        if prefix.startswith(b"UNICODE"):
            # Written big- or little-endian depending on the writer: pick the decoding with ASCII braces.
            for codec in ("utf-16-le", "utf-16-be"):
                text = body.decode(codec, "replace")
                if "{" in text or "<" in text:
                    return text
            return body.decode("utf-16-le", "replace")
        return body.decode("utf-8", "replace")
    if tag == XP_COMMENT:
        return raw.decode("utf-16-le", "replace")
    return raw.decode("utf-8", "replace")


def _text_sources(image: EvidenceImage) -> list[tuple[str, str]]:
    """Free-text metadata where a label may sit outside XMP: EXIF fields and the JPEG comment."""
    sources: list[tuple[str, str]] = []
    exif = image.exif
    if exif:
        for tag, name in ((IMAGE_DESCRIPTION, "exif:ImageDescription"), (XP_COMMENT, "exif:XPComment")):
            if tag in exif:
                sources.append((name, _decode_exif_text(tag, exif[tag])))
        sub = exif.get_ifd(EXIF_IFD)
        if USER_COMMENT in sub:
            sources.append(("exif:UserComment", _decode_exif_text(USER_COMMENT, sub[USER_COMMENT])))
    comment = image.pil.info.get("comment")
    if comment:
        sources.append(
            ("jpeg:COM", comment.decode("utf-8", "replace") if isinstance(comment, bytes) else str(comment))
        )
    return [
        (name, text.strip("\x00 "))
        for name, text in sources
        if "aigc" in text.lower() or "label" in text.lower()
    ]


def _payloads_in_text(source: str, text: str) -> list[tuple[str, str]]:
    found = [(source, html.unescape(m.group(3).strip())) for m in _ELEMENT.finditer(text)]
    found += [(source, html.unescape(m.group(2).strip())) for m in _ATTRIBUTE.finditer(text)]
    if not found:
        found = [(source, m.group(1)) for m in _KEYED_JSON.finditer(text)]
    if not found and "aigc" not in text.lower():
        found = [(source, m.group(0)) for m in _BARE_JSON.finditer(text)]
    if not found and "aigc" in text.lower():
        found = [(source, text)]  # names the label but in no form we read: reported as malformed
    return found


def find_payloads(image: EvidenceImage) -> list[tuple[str, str]]:
    """Raw AIGC values with where they were found."""
    found: list[tuple[str, str]] = []
    for key, value in image.text_chunks.items():
        if key.strip().upper() == "AIGC":
            found.append((f"png:{key}", value))
    for packet in image.xmp_packets:
        for match in _ELEMENT.finditer(packet):
            found.append(("xmp", html.unescape(match.group(3).strip())))
        for match in _ATTRIBUTE.finditer(packet):
            found.append(("xmp", html.unescape(match.group(2).strip())))
    for source, text in _text_sources(image):
        found += _payloads_in_text(source, text)
    return found


def parse_payload(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def check(image: EvidenceImage) -> Signal:
    payloads = find_payloads(image)
    if not payloads:
        return Signal(
            CHECK,
            "absent",
            Strength.NONE,
            "No GB 45438 implicit AIGC label.",
            "未发现 GB 45438 隐式 AIGC 标识。",
        )
    for source, text in payloads:
        fields = parse_payload(text)
        if fields is None:
            continue
        label = str(fields.get("Label", "")).strip()
        if label in LABEL_MEANING:
            known = {key: str(fields[key]) for key in AIGC_KEYS if key in fields}
            producer = known.get("ContentProducer", "")
            missing = [key for key in ("ContentProducer", "ProduceID") if not known.get(key)]
            return Signal(
                CHECK,
                "ai_label",
                Strength.STRONG,
                f"File carries a GB 45438 implicit label: {LABEL_MEANING[label]} (producer {producer or 'unknown'}).",
                f"文件含 GB 45438 隐式标识：{LABEL_MEANING_ZH[label]}（服务提供者 {producer or '未知'}）。",
                {"source": source, "fields": known, "missing_required": missing},
            )
    return Signal(
        CHECK,
        "malformed_label",
        Strength.MEDIUM,
        "File has an AIGC metadata field that is not a valid GB 45438 label (tampered or non-standard).",
        "文件含 AIGC 元数据字段，但不是有效的 GB 45438 标识（可能被篡改或格式不规范）。",
        {"sources": [source for source, _ in payloads], "raw": [text[:200] for _, text in payloads]},
    )


def build_xmp(fields: dict[str, str]) -> str:
    """An XMP packet carrying the label, as a provider would embed it (used by tests and the benchmark)."""
    value = html.escape(json.dumps(fields, ensure_ascii=False), quote=False)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:TC260="{TC260_NAMESPACE}">'
        f"<TC260:AIGC>{value}</TC260:AIGC>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
