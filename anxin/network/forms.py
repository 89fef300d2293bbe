from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, ProductCategory


class CoverageImportForm(forms.Form):
    text = forms.CharField(
        label=_("服务范围"),
        max_length=20000,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": _("达州市通川区、长春市榆树市、东莞市虎门镇…（不含某区可写「不含XX区」）"),
            }
        ),
    )
    replace = forms.BooleanField(label=_("替换该网点现有的全部服务范围"), required=False)


class LookupForm(forms.Form):
    address = forms.CharField(label=_("地址或区划代码"), max_length=200)
    brand = forms.ModelChoiceField(label=_("品牌"), queryset=Brand.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=_("品类"), queryset=ProductCategory.objects.order_by("name"), required=False
    )

    def __init__(self, *args: Any, brands: QuerySet[Brand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if brands is not None:
            cast(forms.ModelChoiceField, self.fields["brand"]).queryset = brands  # declared above


class BrandChoiceForm(forms.Form):
    brand = forms.ModelChoiceField(
        label=_("品牌"), queryset=Brand.objects.none(), required=False, empty_label=_("全部品牌")
    )

    def __init__(self, *args: Any, brands: QuerySet[Brand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if brands is not None:
            cast(forms.ModelChoiceField, self.fields["brand"]).queryset = brands  # declared above
