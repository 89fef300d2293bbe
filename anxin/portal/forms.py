from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, ProductCategory


class RepairRequestForm(forms.Form):
    """The public repair form. Only the phone is required; everything else helps us come prepared."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    name = forms.CharField(
        label=_("姓名"), max_length=60, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    brand = forms.ModelChoiceField(
        label=_("品牌"), queryset=Brand.objects.all(), required=False, empty_label=_("不确定")
    )
    category = forms.ModelChoiceField(
        label=_("产品类型"), queryset=ProductCategory.objects.all(), required=False, empty_label=_("不确定")
    )
    address = forms.CharField(
        label=_("上门地址"),
        max_length=300,
        required=False,
        help_text=_("省市区县 + 街道门牌，例如：北京市朝阳区建国路88号"),
    )
    description = forms.CharField(
        label=_("故障描述"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    preferred_time = forms.CharField(label=_("希望上门时间"), max_length=60, required=False)
    photo = forms.ImageField(label=_("故障照片（可选）"), required=False)
