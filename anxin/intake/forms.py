from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, ProductCategory


class HotlineOrderForm(forms.Form):
    """The agent files everything the caller says on one screen."""

    phone = forms.CharField(label=_("来电号码"), max_length=30)
    name = forms.CharField(label=_("客户姓名"), max_length=60, required=False)
    address = forms.CharField(label=_("上门地址"), max_length=300, required=False)
    brand = forms.ModelChoiceField(
        label=_("品牌"), queryset=Brand.objects.all(), required=False, empty_label=_("未知/其他")
    )
    category = forms.ModelChoiceField(
        label=_("品类"), queryset=ProductCategory.objects.all(), required=False, empty_label=_("未知")
    )
    model = forms.CharField(label=_("型号"), max_length=60, required=False)
    serial_number = forms.CharField(label=_("序列号"), max_length=60, required=False)
    purchase_date = forms.DateField(
        label=_("购买日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("故障描述"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    preferred_time = forms.CharField(label=_("预约时间"), max_length=60, required=False)
