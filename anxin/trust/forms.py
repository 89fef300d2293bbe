"""The public's fake-channel report form (on /verify/, anxin.portal); the service does the real checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anxin.catalog.selectors import brands_all
from anxin.trust.choices import ChannelKind, WhereSeen
from anxin.trust.services import MAX_CONTACT_CHARS, MAX_NOTE_CHARS, MAX_VALUE_CHARS, ReportInput

MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024


class FakeReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("举报的是"),
        choices=[(ChannelKind.PHONE, _("电话号码")), (ChannelKind.WEB, _("网址"))],
        initial=ChannelKind.PHONE,
    )
    value = forms.CharField(label=_("可疑的号码或网址"), max_length=MAX_VALUE_CHARS)
    where_seen = forms.ChoiceField(label=_("在哪里看到的"), choices=WhereSeen.choices)
    brand = forms.ChoiceField(label=_("对方自称是哪个品牌"), required=False)
    note = forms.CharField(
        label=_("补充说明（选填）"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    screenshot = forms.FileField(
        label=_("截图（选填）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("JPEG、PNG、WebP 或 HEIF，最大 8 MB"),
    )
    contact = forms.CharField(
        label=_("您的联系方式（选填，仅工作人员可见）"), required=False, max_length=MAX_CONTACT_CHARS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        brand_field = self.fields["brand"]
        assert isinstance(brand_field, forms.ChoiceField)
        brand_field.choices = [("", _("不清楚")), *((b.code, str(b)) for b in brands_all())]

    def clean_screenshot(self) -> Any:
        shot = self.cleaned_data.get("screenshot")
        if shot and shot.size > MAX_SCREENSHOT_BYTES:
            raise forms.ValidationError(_("截图太大（最大 8 MB）"), code="too_large")
        return shot

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        shot = data.get("screenshot")
        return ReportInput(
            kind=data["kind"],
            value=data["value"],
            where_seen=data["where_seen"],
            note=data.get("note", ""),
            contact=data.get("contact", ""),
            brand_code=data.get("brand", ""),
            screenshot=shot.read() if shot else None,
        )
