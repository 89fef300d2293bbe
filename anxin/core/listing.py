"""What every staff list shares: filter forms that refuse bad values with a 400 naming the field,
day ranges in local time, pages of 50, and CSV exports Excel opens correctly (no domain logic here)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxin.core.exceptions import BadRequest

PAGE_SIZE = 50
EXPORT_ROW_LIMIT = 10_000  # an export is a working list, not a data dump; narrow the filters for more
# Excel reads a CSV without a byte-order mark as the system code page and garbles Chinese.
UTF8_BOM = "\ufeff"


class ListFilterForm(forms.Form):
    """Base of the list filter forms: a created-date range and the page number."""

    created_from = forms.DateField(
        required=False, label=_("创建日期从"), widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        required=False, label=_("创建日期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # Tabler's control classes, so templates render {{ field }}
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("结束日期不能早于开始日期"))
        return data

    def created_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[since, until) as aware datetimes: whole days in the site's time zone, the end day included."""
        start, end = self.cleaned_data.get("created_from"), self.cleaned_data.get("created_to")
        since = _local_midnight(start) if start else None
        until = _local_midnight(end + dt.timedelta(days=1)) if end else None
        return since, until


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def local_today_start(now: dt.datetime | None = None) -> dt.datetime:
    return _local_midnight(timezone.localdate(now or timezone.now()))


def filters_or_400(form: forms.Form) -> dict[str, Any]:
    """The cleaned filters, or BadRequest (400) naming the first bad field, never a 500 or a silent default."""
    if form.is_valid():
        return form.cleaned_data
    field, errors = next(iter(form.errors.items()))
    message = " ".join(str(e) for e in errors)
    raise BadRequest(f"{field}: {message}", field=field if field != "__all__" else None)


def page_of(items: QuerySet[Any], number: int | None) -> Page:
    """One page of 50; a page past the end shows the last one (links go stale while people work)."""
    return Paginator(items, PAGE_SIZE).get_page(number or 1)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A UTF-8 CSV with a byte-order mark, at most EXPORT_ROW_LIMIT rows (callers slice the queryset)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(UTF8_BOM)
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_safe_cell(cell) for cell in row] for row in rows)
    return response


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    """Text that Excel would run as a formula (CSV injection) is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
