from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.catalog.models import Brand, ProductModel
from anxin.core.exceptions import ValidationFailed
from anxin.core.images import image_inspect
from anxin.core.listing import ListFilterForm
from anxin.customers.models import Customer
from anxin.evidence.choices import ClaimStatus, ClaimType, Decision
from anxin.evidence.selectors import TO_DECIDE
from anxin.evidence.services import evidence_size_check
from anxin.workorders.selectors import brands_visible_to, workorders_of_customer


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
    repair_order = forms.ChoiceField(
        label=_("关联的维修工单（上门维修后出现的问题请选择）"), required=False, choices=[("", _("无"))]
    )
    amount_paid = forms.DecimalField(label=_("实付金额"), max_digits=10, decimal_places=2, min_value=0)
    amount_claimed = forms.DecimalField(label=_("申请金额"), max_digits=10, decimal_places=2, min_value=0)
    description = forms.CharField(
        label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # A FileField, not an ImageField: our own header check (anxin.core.images) decides what a photo is,
    # before anything is decoded, so the form and the API accept and refuse the same files.
    photo = forms.FileField(
        label=_("商品照片（请拍摄实物，勿使用网图）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/avif"}
        ),
    )

    def __init__(self, *args: Any, buyer: Customer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orders = workorders_of_customer(customer_id=buyer.pk)[:20] if buyer is not None else []
        # repair_order is the ChoiceField declared above; self.fields only knows it as a Field.
        cast(forms.ChoiceField, self.fields["repair_order"]).choices = [("", _("无"))] + [
            (
                o.number,
                f"{o.number} · {o.brand.name if o.brand else ''} {o.category.name if o.category else ''}",
            )
            for o in orders
        ]
        if not orders:
            del self.fields["repair_order"]

    def clean_photo(self):  # type: ignore[no-untyped-def]
        photo = self.cleaned_data["photo"]
        try:
            evidence_size_check(size=photo.size)
            photo.seek(0)
            image_inspect(photo.read(), field="photo")
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc
        photo.seek(0)
        return photo


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("处理结果"), choices=Decision.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, arbitration: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if arbitration:  # the platform settles an appeal: approve or reject, always with a reason
            self.fields["decision"].label = _("平台仲裁结果")
            cast(forms.ChoiceField, self.fields["decision"]).choices = [
                (Decision.APPROVE, Decision.APPROVE.label),
                (Decision.REJECT, Decision.REJECT.label),
            ]
            self.fields["reason"].required = True


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class MoreEvidenceForm(forms.Form):
    """Further photos or a short video from the buyer (one file per submit keeps phones reliable)."""

    file = forms.FileField(
        label=_("补充照片或视频"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/mp4,video/quicktime,video/3gpp"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            evidence_size_check(size=upload.size)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc
        return upload


class ClaimQueueForm(ListFilterForm):
    """The review queue's filters; a value outside the choices is a 400 naming the field."""

    status = forms.ChoiceField(required=False, label=_("状态"))
    brand = forms.ChoiceField(required=False, label=_("品牌"))

    def __init__(self, data: Any, *, actor: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        status_field = cast(forms.ChoiceField, self.fields["status"])
        status_field.choices = [("", _("全部")), (TO_DECIDE, _("待处理")), *ClaimStatus.choices]
        brand_field = cast(forms.ChoiceField, self.fields["brand"])
        # Only the viewer's brands: a brand staff member cannot even name another brand.
        brand_field.choices = [("", _("全部品牌"))] + [
            (b.code, b.name) for b in brands_visible_to(actor=actor)
        ]

    def filters(self) -> dict[str, Any]:
        since, until = self.created_range()
        return {
            "status": self.cleaned_data["status"],
            "brand_code": self.cleaned_data["brand"],
            "created_since": since,
            "created_until": until,
        }
