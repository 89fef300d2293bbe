"""Back office for parts: the catalogue and codes are edited here (or through the staff pages and the API);
locations can be added; the ledger, reservations, installations and alerts are records, read-only.
Stock moves are made through the services (they keep the balance guard and the ledger together), never
by editing rows here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from anxin.accounts.models import User
from anxin.core.exceptions import DomainError
from anxin.parts.models import (
    Part,
    PartCode,
    PartCodeAlert,
    PartInstallation,
    PartReturn,
    StockLocation,
    StockMove,
    StockReservation,
)
from anxin.parts.services.codes import part_codes_issue

LABEL_BATCH = 20


class _ReadOnly(ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Part)
class PartAdmin(ModelAdmin):
    """The CSV upload is on the staff catalogue page ("view on site")."""

    list_display = ["part_number", "name", "brand", "list_price", "serialised", "return_required", "active"]
    list_filter = ["brand", "serialised", "return_required", "active"]
    search_fields = ["part_number", "name", "name_en"]
    list_select_related = ["brand"]
    filter_horizontal = ["compatible_models"]
    actions = ["issue_codes"]

    def view_on_site(self, obj: Part) -> str:
        return reverse("parts:part_codes", args=[obj.pk]) if obj.serialised else reverse("parts:catalogue")

    @admin.action(description=_("为所选序列号配件各签发 20 个防伪码"))
    def issue_codes(self, request: HttpRequest, queryset: QuerySet[Part]) -> None:
        assert isinstance(request.user, User)
        issued = 0
        for part in queryset.select_related("brand"):
            try:
                issued += len(
                    part_codes_issue(part=part, actor=request.user, quantity=LABEL_BATCH, batch="admin")
                )
            except DomainError as exc:
                self.message_user(request, f"{part.part_number}: {exc.detail}", messages.WARNING)
        self.message_user(request, _("已签发 %(n)s 个防伪码") % {"n": issued}, messages.SUCCESS)


@admin.register(PartCode)
class PartCodeAdmin(ModelAdmin):
    """Codes are issued with the part's action or the API; state changes only by installation."""

    list_display = ["code", "part", "brand", "batch", "state", "issued_at"]
    list_filter = ["brand", "state"]
    search_fields = ["code", "part__part_number", "batch"]
    list_select_related = ["part", "brand"]
    readonly_fields = ["code", "brand", "part", "state", "issued_at", "issued_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(StockLocation)
class StockLocationAdmin(ModelAdmin):
    list_display = ["__str__", "kind", "service_point", "technician"]
    list_filter = ["kind", "service_point"]
    list_select_related = ["service_point", "technician"]
    raw_id_fields = ["technician"]


@admin.register(StockMove)
class StockMoveAdmin(_ReadOnly):
    list_display = [
        "created_at",
        "location",
        "part",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "order",
        "actor",
    ]
    list_filter = ["kind"]
    search_fields = ["part__part_number", "order__number", "reference"]
    list_select_related = ["location__service_point", "location__technician", "part", "order", "actor"]
    date_hierarchy = "created_at"


@admin.register(StockReservation)
class StockReservationAdmin(_ReadOnly):
    list_display = ["order", "part", "quantity", "location", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["order__number", "part__part_number"]
    list_select_related = ["order", "part", "location__service_point", "location__technician"]


@admin.register(PartInstallation)
class PartInstallationAdmin(_ReadOnly):
    list_display = ["order", "part", "code", "removed_serial", "installed_by", "installed_at"]
    search_fields = ["order__number", "code__code", "removed_serial"]
    list_select_related = ["order", "part", "code", "installed_by"]


@admin.register(PartCodeAlert)
class PartCodeAlertAdmin(_ReadOnly):
    list_display = ["created_at", "brand", "part", "code", "reason", "order", "technician"]
    list_filter = ["brand", "reason"]
    search_fields = ["code", "order__number"]
    list_select_related = ["brand", "part", "order", "technician"]


@admin.register(PartReturn)
class PartReturnAdmin(_ReadOnly):
    """Shipped and received are marked on the returns page (each step checks who may take it)."""

    list_display = [
        "order",
        "part",
        "brand",
        "removed_serial",
        "state",
        "tracking_number",
        "shipped_at",
        "received_at",
    ]
    list_filter = ["brand", "state"]
    search_fields = ["order__number", "removed_serial", "tracking_number"]
    list_select_related = ["order", "part", "brand"]

    def view_on_site(self, obj: PartReturn) -> str:
        return reverse("parts:returns")
