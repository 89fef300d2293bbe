"""The staff order list's filters: every value is checked against a whitelist, so a bad one is a 400."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.backoffice.selectors import DEFAULT_ORDER_SORT, ORDER_SORTS, SLA_AT_RISK
from anxin.core.listing import ListFilterForm
from anxin.workorders.choices import Status
from anxin.workorders.selectors import brands_visible_to

SORTABLE_COLUMNS = ("number", "status", "sla_due", "created")
SORT_LABELS = {
    "-created": _("最新创建"),
    "created": _("最早创建"),
    "number": _("工单号 ↑"),
    "-number": _("工单号 ↓"),
    "status": _("状态 ↑"),
    "-status": _("状态 ↓"),
    "sla_due": _("时效最紧"),
    "-sla_due": _("时效最松"),
}


class OrderListForm(ListFilterForm):
    q = forms.CharField(
        required=False,
        max_length=40,
        label=_("工单号 / 手机号"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("工单号 / 手机号"), "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(required=False, label=_("状态"))
    brand = forms.ChoiceField(required=False, label=_("品牌"))
    attention = forms.BooleanField(required=False, label=_("仅看待人工处理"))
    sla = forms.ChoiceField(
        required=False, choices=[("", _("全部")), (SLA_AT_RISK, _("时效预警"))], label=_("时效")
    )
    # The whitelist is the selector's table itself: a key without a label fails at import, not at run time.
    sort = forms.ChoiceField(
        required=False, choices=[(key, SORT_LABELS[key]) for key in ORDER_SORTS], label=_("排序")
    )

    def __init__(self, data: QueryDict, *, actor: User, **kwargs: Any) -> None:
        data = data.copy()
        data.setdefault("status", "open")  # the landing page shows the work still to do
        data.setdefault("sort", DEFAULT_ORDER_SORT)
        super().__init__(data, **kwargs)
        status_field = self.fields["status"]
        assert isinstance(status_field, forms.ChoiceField)
        status_field.choices = [
            ("open", _("处理中")),
            ("waiting", _("待派技师")),
            ("", _("全部")),
            *Status.choices,
        ]
        brand_field = self.fields["brand"]
        assert isinstance(brand_field, forms.ChoiceField)
        # Only the viewer's brands: a brand staff member cannot even name another brand.
        brand_field.choices = [("", _("全部品牌"))] + [
            (b.code, b.name) for b in brands_visible_to(actor=actor)
        ]

    def filters(self) -> dict[str, Any]:
        """The cleaned data with the date range as [since, until) datetimes, for the selector."""
        since, until = self.created_range()
        return {**self.cleaned_data, "created_since": since, "created_until": until}

    @property
    def sort_columns(self) -> dict[str, dict[str, str]]:
        """Per sortable column: the sort key its header link sets (click again to reverse), and its state."""
        current = self.cleaned_data.get("sort") or DEFAULT_ORDER_SORT
        columns = {}
        for key in SORTABLE_COLUMNS:
            ascending, descending = current == key, current == f"-{key}"
            columns[key] = {
                "next": f"-{key}" if ascending else key,
                "aria": "ascending" if ascending else "descending" if descending else "none",
                "arrow": " ↑" if ascending else " ↓" if descending else "",
            }
        return columns
