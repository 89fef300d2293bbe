"""C2PA manifests (Content Credentials) read with c2pa-python, judged by their IPTC digital source type.

A manifest that declares AI generation is strong even when its signer is not on a trust list:
nobody forges a certificate to make a refund photo look *more* artificial. A manifest claiming a
camera capture proves something only when it validates; we report it but never lower risk on it.
"""

from __future__ import annotations

import io
import json
from typing import Any

from .base import EvidenceImage, Signal, Strength

CHECK = "c2pa"
IPTC_PREFIX = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_SOURCE_TYPES = {
    "trainedAlgorithmicMedia",
    "compositeWithTrainedAlgorithmicMedia",
    "algorithmicMedia",
    "compositeSynthetic",
    "algorithmicallyEnhanced",
}
EDIT_ACTIONS = {"c2pa.edited", "c2pa.filtered", "c2pa.color_adjustments", "c2pa.drawing", "c2pa.placed"}
# JUMBF superbox type and the C2PA label: absent from a file means there is no embedded manifest.
_MARKERS = (b"jumb", b"c2pa")


def _source_types(manifest: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for assertion in manifest.get("assertions", []):
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in assertion.get("data", {}).get("actions", []):
            value = action.get("digitalSourceType")
            if value:
                found.append(str(value).removeprefix(IPTC_PREFIX))
    return found


def _actions(manifest: dict[str, Any]) -> list[str]:
    return [
        str(action.get("action", ""))
        for assertion in manifest.get("assertions", [])
        if str(assertion.get("label", "")).startswith("c2pa.actions")
        for action in assertion.get("data", {}).get("actions", [])
    ]


def read_manifest_store(image: EvidenceImage) -> dict[str, Any] | None:
    if not all(marker in image.data for marker in _MARKERS):
        return None
    import c2pa  # imported lazily: loading the native library costs time on every process start

    try:
        with c2pa.Reader(image.mime_type, io.BytesIO(image.data)) as reader:
            return json.loads(reader.json())
    except c2pa.C2paError:
        return None


def check(image: EvidenceImage) -> Signal:
    store = read_manifest_store(image)
    if not store:
        return Signal(CHECK, "absent", Strength.NONE, "No C2PA manifest.", "无 C2PA 内容凭证。")
    manifests: dict[str, dict[str, Any]] = store.get("manifests", {})
    source_types = sorted({t for manifest in manifests.values() for t in _source_types(manifest)})
    actions = sorted({a for manifest in manifests.values() for a in _actions(manifest)})
    codes = [status.get("code", "") for status in store.get("validation_status", [])]
    tampered = [code for code in codes if "mismatch" in code or code.endswith(".invalid")]
    signer = next(iter(manifests.values()), {}).get("signature_info", {})
    details = {
        "digital_source_types": source_types,
        "actions": actions,
        "validation": codes,
        "signer": {"issuer": signer.get("issuer"), "common_name": signer.get("common_name")},
    }
    ai_types = [t for t in source_types if t in AI_SOURCE_TYPES]
    if ai_types:
        return Signal(
            CHECK,
            "ai_declared",
            Strength.STRONG,
            f"C2PA manifest declares AI involvement ({', '.join(ai_types)}).",
            f"C2PA 内容凭证声明含 AI 生成内容（{', '.join(ai_types)}）。",
            details,
        )
    if tampered:
        return Signal(
            CHECK,
            "tampered",
            Strength.MEDIUM,
            "C2PA manifest no longer matches the pixels: the image was changed after signing.",
            "C2PA 内容凭证与图像不符：签名后图片被修改过。",
            details,
        )
    if EDIT_ACTIONS.intersection(actions):
        return Signal(
            CHECK,
            "edited",
            Strength.MEDIUM,
            f"C2PA manifest records edits ({', '.join(sorted(EDIT_ACTIONS.intersection(actions)))}).",
            "C2PA 内容凭证记录了编辑操作。",
            details,
        )
    return Signal(
        CHECK,
        "present",
        Strength.NONE,
        f"C2PA manifest present ({', '.join(source_types) or 'no source type'}); no AI or edit declared.",
        "存在 C2PA 内容凭证，未声明 AI 生成或编辑。",
        details,
    )
