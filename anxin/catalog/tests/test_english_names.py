"""Catalogue names follow the reader's language: the English name in English, else the Chinese one."""

from __future__ import annotations

from django.utils import translation

from anxin.catalog.models import Brand, ProductCategory
from anxin.network.models import ServicePoint


def test_names_are_english_in_english_and_chinese_otherwise(db):
    brand = Brand.objects.create(code="lc", name="乐创", name_en="Lechuang")
    category = ProductCategory.objects.create(code="dc", name="消毒柜")  # no English name yet
    point = ServicePoint.objects.create(name="北京朝阳网点", name_en="Beijing Chaoyang service point")
    with translation.override("en"):
        assert (str(brand), str(category), str(point)) == (
            "Lechuang",
            "消毒柜",
            "Beijing Chaoyang service point",
        )
    with translation.override("zh-hans"):
        assert (str(brand), str(category), str(point)) == ("乐创", "消毒柜", "北京朝阳网点")
