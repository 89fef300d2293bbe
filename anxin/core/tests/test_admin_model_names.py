"""The admin names every model in Chinese (from the catalogue), singular and plural, no "analysiss"."""

from __future__ import annotations

import re

from django.apps import apps
from django.utils import translation

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def test_every_anxin_model_has_a_chinese_verbose_name_and_plural():
    unnamed = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if not model.__module__.startswith("anxin."):
                continue
            meta = model._meta
            if LATIN_WORD.search(str(meta.verbose_name)) or LATIN_WORD.search(str(meta.verbose_name_plural)):
                unnamed.append(model.__name__)
    assert unnamed == []


def test_the_evidence_analysis_plural_is_spelled_right_in_english():
    from anxin.evidence.models import EvidenceAnalysis

    with translation.override("en"):
        assert "analysiss" not in str(EvidenceAnalysis._meta.verbose_name_plural).lower()
