"""Editing and generation software named in the file: EXIF Software, XMP CreatorTool/history, PNG text."""

from __future__ import annotations

import re

from .base import EvidenceImage, Signal, Strength

CHECK = "editing_software"
EXIF_SOFTWARE = 0x0131
EXIF_PROCESSING_SOFTWARE = 0x000B
# Generators: the file says an AI tool produced or edited it.
AI_TOOLS = (
    "stable diffusion",
    "stablediffusion",
    "midjourney",
    "dall-e",
    "dall·e",
    "dalle",
    "openai",
    "firefly",
    "novelai",
    "comfyui",
    "automatic1111",
    "invokeai",
    "fooocus",
    "flux",
    "imagen",
    "gemini",
    "jimeng",
    "即梦",
    "doubao",
    "豆包",
    "文心一格",
    "wanxiang",
    "通义万相",
    "kling",
    "可灵",
    "hunyuan",
    "混元",
    "liblib",
    "哩布",
    "generative fill",
    "dreamina",
    "ai消除",
    "ai 消除",
)
# Retouching editors: common for cosmetic edits, and the tools used to paint cracks or stains in.
EDITORS = (
    "photoshop",
    "lightroom",
    "gimp",
    "meitu",
    "美图",
    "snapseed",
    "picsart",
    "醒图",
    "hypic",
    "轻颜",
    "faceu",
    "b612",
    "canva",
    "pixelmator",
    "affinity",
    "paint.net",
    "fotor",
    "稿定",
    "photoroom",
    "facetune",
    "remini",
    "picwish",
    "佐糖",
    "wps图片",
)
# PNG text keys written by generation front-ends with the prompt and settings.
GENERATOR_TEXT_KEYS = ("parameters", "prompt", "workflow", "invokeai_metadata", "sd-metadata", "dream")
_XMP_TOOL = re.compile(
    r"(?:CreatorTool|softwareAgent|HistorySoftwareAgent)\s*(?:=\s*[\"']([^\"']+)[\"']|>([^<]+)<)",
    re.IGNORECASE,
)


def software_names(image: EvidenceImage) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    for tag, where in (
        (EXIF_SOFTWARE, "exif:Software"),
        (EXIF_PROCESSING_SOFTWARE, "exif:ProcessingSoftware"),
    ):
        value = image.exif.get(tag)
        if value:
            names.append((where, str(value).strip("\x00 ")))
    for packet in image.xmp_packets:
        for match in _XMP_TOOL.finditer(packet):
            names.append(("xmp", (match.group(1) or match.group(2)).strip()))
    for key, value in image.text_chunks.items():
        if key.lower() == "software":
            names.append((f"png:{key}", value))
    return names


def _match(name: str, vocabulary: tuple[str, ...]) -> str | None:
    lowered = name.lower()
    return next((word for word in vocabulary if word in lowered), None)


def check(image: EvidenceImage) -> Signal:
    names = software_names(image)
    generator_keys = [key for key in image.text_chunks if key.lower() in GENERATOR_TEXT_KEYS]
    for where, name in names:
        if _match(name, AI_TOOLS):
            return Signal(
                CHECK,
                "ai_tool",
                Strength.STRONG,
                f"File names an AI generation tool ({name}, {where}).",
                f"文件记录了 AI 生成工具（{name}，{where}）。",
                {"software": names},
            )
    if generator_keys:
        return Signal(
            CHECK,
            "generator_parameters",
            Strength.STRONG,
            f"PNG text chunks hold image-generation parameters ({', '.join(generator_keys)}).",
            f"PNG 文本块包含 AI 生图参数（{', '.join(generator_keys)}）。",
            {"keys": generator_keys},
        )
    for where, name in names:
        if _match(name, EDITORS):
            return Signal(
                CHECK,
                "editor",
                Strength.MEDIUM,
                f"Picture was saved by an image editor ({name}, {where}); damage may have been painted in.",
                f"图片经修图软件保存（{name}，{where}），破损可能为后期添加。",
                {"software": names},
            )
    if names:
        return Signal(
            CHECK,
            "other_software",
            Strength.NONE,
            f"Software tag present but not a known editor ({names[0][1]}).",
            f"软件标签（{names[0][1]}）不属于已知修图或生成工具。",
            {"software": names},
        )
    return Signal(CHECK, "absent", Strength.NONE, "No software tag.", "无软件标签。")
