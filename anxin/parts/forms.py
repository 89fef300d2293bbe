from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReserveForm(forms.Form):
    part = forms.IntegerField(min_value=1, label=_("配件"))
    quantity = forms.IntegerField(min_value=1, max_value=10_000, initial=1, label=_("数量"))


class InstallForm(forms.Form):
    reservation = forms.IntegerField(min_value=1)
    code = forms.CharField(max_length=200, required=False, label=_("新配件防伪码"))
    removed_serial = forms.CharField(max_length=64, required=False, label=_("换下旧件序列号"))


class ReleaseForm(forms.Form):
    reservation = forms.IntegerField(min_value=1)


class PartsCsvForm(forms.Form):
    brand = forms.CharField(max_length=40, label=_("品牌代码"))
    file = forms.FileField(label=_("CSV 文件"), help_text=_("UTF-8，最大 2 MB"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            raise forms.ValidationError(_("文件超过 2 MB"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("文件不是 UTF-8 编码的 CSV")) from exc


class CodesIssueForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=500, initial=20, label=_("生成数量"))
    batch = forms.CharField(max_length=40, required=False, label=_("批次"))


class ShipForm(forms.Form):
    tracking_number = forms.CharField(max_length=40, required=False, label=_("快递单号"))
