"""Names of catalogue data in the reader's language: the Chinese name, or its English one in English."""

from __future__ import annotations

from django.utils import translation


def localized_name(name: str, name_en: str) -> str:
    """``name_en`` when the active language is English and it is filled in, else the Chinese ``name``."""
    language = translation.get_language() or ""
    return name_en if name_en and language.startswith("en") else name
