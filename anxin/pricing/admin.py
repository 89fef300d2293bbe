from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from anxin.pricing.models import PriceLine, PriceList


class PriceLineInline(TabularInline):
    model = PriceLine
    fields = ["kind", "category", "fault_code", "part", "km_from", "km_to", "amount", "covered_by_warranty"]
    extra = 0
    hide_title = True


@admin.register(PriceList)
class PriceListAdmin(ModelAdmin):
    """A brand's price list with its lines. Publish a change as a new version (or by CSV import: 导入收费标准)
    so the quotes built from the old one keep pointing at what they used."""

    list_display = ["brand", "version", "effective_from", "published", "visit_fee_on_decline", "line_count"]
    list_filter = ["brand", "published"]
    list_select_related = ["brand"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [PriceLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriceList]:
        return super().get_queryset(request).annotate(line_total=Count("lines"))

    @admin.display(description=_("项目数"))
    def line_count(self, obj: PriceList) -> int:
        return getattr(obj, "line_total", 0)

    def save_model(self, request: HttpRequest, obj: PriceList, form: object, change: bool) -> None:
        if obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]  # admin pages need a signed-in user
        super().save_model(request, obj, form, change)
