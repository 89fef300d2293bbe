from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, ProductModel
from anxin.evidence.choices import ClaimType, Decision


class ClaimForm(forms.Form):
    claim_type = forms.ChoiceField(label=_("申请类型"), choices=ClaimType.choices)
    brand = forms.ModelChoiceField(label=_("品牌"), queryset=Brand.objects.all(), to_field_name="code")
    product_model = forms.ModelChoiceField(
        label=_("型号（可选）"),
        queryset=ProductModel.objects.select_related("brand"),
        required=False,
        empty_label=_("不确定"),
    )
    order_number = forms.CharField(label=_("订单号"), max_length=64)
    amount_paid = forms.DecimalField(label=_("实付金额"), max_digits=10, decimal_places=2, min_value=0)
    amount_claimed = forms.DecimalField(label=_("申请金额"), max_digits=10, decimal_places=2, min_value=0)
    description = forms.CharField(
        label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photo = forms.ImageField(label=_("商品照片（请拍摄实物，勿使用网图）"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("处理结果"), choices=Decision.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, arbitration: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if arbitration:  # the platform settles an appeal: approve or reject, always with a reason
            self.fields["decision"].label = _("平台仲裁结果")
            self.fields["decision"].choices = [
                (Decision.APPROVE, Decision.APPROVE.label),
                (Decision.REJECT, Decision.REJECT.label),
            ]
            self.fields["reason"].required = True


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class MoreEvidenceForm(forms.Form):
    """Further photos or a short video from the buyer (one file per submit keeps phones reliable)."""

    file = forms.FileField(label=_("补充照片或视频"))
