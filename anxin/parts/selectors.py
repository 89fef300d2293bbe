"""Reads on parts, stock, codes, alerts and returns, scoped to the actor (never an unscoped get by id).

Stock levels are sums over the ledger (``StockMove``): the balance rows the services keep for their
conditional updates are a lock and a guard, not the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext

from anxin.accounts.choices import OPERATIONS_ROLES, Role
from anxin.accounts.models import User
from anxin.accounts.permissions import can, require, role_of
from anxin.catalog.models import Brand
from anxin.catalog.selectors import brands_all
from anxin.core.exceptions import NotFound
from anxin.parts.choices import ReservationState
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
from anxin.parts.permissions import (
    ALERTS_VIEW,
    CATALOGUE_VIEW,
    CODES,
    ORDER_PARTS_VIEW,
    RETURN_RECEIVE,
    RETURN_SHIP,
    STOCK_VIEW,
)
from anxin.workorders.models import WorkOrder

BrandRow = TypeVar("BrandRow", PartCodeAlert, PartReturn)


def _role(actor: User) -> str | None:
    if not actor.is_authenticated or not actor.is_active:
        return None
    return role_of(actor)


def parts_visible_to(*, actor: User) -> QuerySet[Part]:
    """Staff and technicians see every brand's catalogue; brand staff their brands'."""
    require(actor, CATALOGUE_VIEW)
    parts = Part.objects.select_related("brand")
    if _role(actor) == Role.BRAND_STAFF:
        return parts.filter(brand__in=actor.brands.all())
    return parts


def parts_catalogue_for(
    *, actor: User, brand_code: str = "", q: str = "", active_only: bool = False
) -> QuerySet[Part]:
    parts = parts_visible_to(actor=actor).prefetch_related("compatible_models")
    if brand_code:
        parts = parts.filter(brand__code=brand_code)
    if q:
        parts = parts.filter(Q(part_number__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    if active_only:
        parts = parts.filter(active=True)
    return parts


def part_get_for(*, actor: User, pk: int) -> Part:
    part = parts_visible_to(actor=actor).filter(pk=pk).first()
    if part is None:
        raise NotFound(gettext("没有您可查看的配件"), field="part")
    return part


def locations_visible_to(*, actor: User) -> QuerySet[StockLocation]:
    """Operations staff: every warehouse and van; a technician: his van; nobody else any."""
    locations = StockLocation.objects.select_related("service_point", "technician__user")
    role = _role(actor)
    if role in (Role.ADMIN, Role.DISPATCHER):
        return locations
    if role == Role.TECHNICIAN:
        return locations.filter(technician__user=actor)
    return locations.none()


def location_get_for(*, actor: User, pk: int) -> StockLocation:
    require(actor, STOCK_VIEW)
    location = locations_visible_to(actor=actor).filter(pk=pk).first()
    if location is None:
        raise NotFound(gettext("没有您可查看的库存地点"), field="location")
    return location


@dataclass(frozen=True)
class StockLevel:
    part: Part
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def stock_levels(*, location: StockLocation) -> list[StockLevel]:
    """On-hand and reserved units of every part ever moved at the location, summed from the ledger."""
    sums = (
        StockMove.objects.filter(location=location)
        .values("part")
        .annotate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
        .order_by()
    )
    totals = {row["part"]: (row["on_hand"], row["reserved"]) for row in sums}
    parts = Part.objects.filter(pk__in=totals).select_related("brand").order_by("brand__name", "part_number")
    return [StockLevel(part=p, on_hand=totals[p.pk][0], reserved=totals[p.pk][1]) for p in parts]


def stock_level(*, location: StockLocation, part: Part) -> StockLevel:
    sums = StockMove.objects.filter(location=location, part=part).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
    )
    return StockLevel(part=part, on_hand=sums["on_hand"] or 0, reserved=sums["reserved"] or 0)


def stock_moves_for(*, actor: User, location: StockLocation) -> QuerySet[StockMove]:
    """The ledger of one location, newest first (the location came from ``location_get_for``)."""
    require(actor, STOCK_VIEW, location)
    return (
        StockMove.objects.filter(location=location)
        .select_related("part", "order", "counterpart__service_point", "counterpart__technician", "actor")
        .order_by("-created_at", "-pk")
    )


def order_reservations(*, order: WorkOrder) -> QuerySet[StockReservation]:
    """Every reservation of the order (any state), with what was installed from it."""
    return (
        StockReservation.objects.filter(order=order)
        .select_related(
            "part__brand", "location__service_point", "location__technician", "installation__code"
        )
        .order_by("created_at", "pk")
    )


def reservation_get_for(*, actor: User, order: WorkOrder, pk: int) -> StockReservation:
    """One reservation of an order the caller already looked up in his scope."""
    reservation = order_reservations(order=order).filter(pk=pk).select_related("order__technician").first()
    if reservation is None:
        raise NotFound(gettext("此工单没有该配件预留"), field="reservation")
    return reservation


@dataclass(frozen=True)
class PartUsed:
    """What the report and the completion gate need about one installed part."""

    part: Part
    quantity: int
    new_serial: str  # the genuine code scanned; "" for a part without codes
    removed_serial: str
    return_state: str  # a ReturnState value, or "" when the brand does not want the old part


def order_parts_used(order: WorkOrder) -> list[PartUsed]:
    """Parts installed on the order, in installation order."""
    installed = (
        PartInstallation.objects.filter(order=order)
        .select_related("part__brand", "code", "part_return")
        .order_by("installed_at", "pk")
    )
    used = []
    for row in installed:
        part_return = getattr(row, "part_return", None)
        used.append(
            PartUsed(
                part=row.part,
                quantity=row.quantity,
                new_serial=row.code.code if row.code else "",
                removed_serial=row.removed_serial,
                return_state=part_return.state if part_return else "",
            )
        )
    return used


def order_parts_settled(order: WorkOrder) -> bool:
    """True when no reservation of the order is still open (each consumed or released)."""
    return not StockReservation.objects.filter(order=order, state=ReservationState.RESERVED).exists()


def order_parts_for(*, actor: User, order: WorkOrder) -> list[PartUsed]:
    """The installed genuine parts as the customer (and everyone else who may see the order) sees them."""
    require(actor, ORDER_PARTS_VIEW, order)
    return order_parts_used(order)


def _brand_rows(actor: User, rows: QuerySet[BrandRow]) -> QuerySet[BrandRow]:
    role = _role(actor)
    if role in OPERATIONS_ROLES:
        return rows
    if role == Role.BRAND_STAFF:
        return rows.filter(brand__in=actor.brands.all())
    return rows.none()


def alerts_for(*, actor: User, brand_code: str = "") -> QuerySet[PartCodeAlert]:
    """Refused codes, newest first: admins all, brand staff their brands'."""
    require(actor, ALERTS_VIEW)
    alerts = PartCodeAlert.objects.select_related("brand", "part", "order", "technician")
    alerts = _brand_rows(actor, alerts)
    return alerts.filter(brand__code=brand_code) if brand_code else alerts


def codes_for(*, actor: User, part: Part, state: str = "") -> QuerySet[PartCode]:
    require(actor, CODES, part)
    codes = PartCode.objects.filter(part=part).select_related("part", "installation__order")
    return codes.filter(state=state) if state else codes


def returns_visible_to(*, actor: User) -> QuerySet[PartReturn]:
    """Dispatchers ship removed parts, brand staff receive theirs; admins see all."""
    if not (can(actor, RETURN_SHIP) or can(actor, RETURN_RECEIVE)):
        require(actor, RETURN_SHIP)
    returns = PartReturn.objects.select_related("brand", "part", "order")
    return _brand_rows(actor, returns)


def returns_for(*, actor: User, state: str = "") -> QuerySet[PartReturn]:
    returns = returns_visible_to(actor=actor)
    return returns.filter(state=state) if state else returns


def return_get_for(*, actor: User, pk: int) -> PartReturn:
    found = returns_visible_to(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound(gettext("没有您可查看的旧件返厂记录"), field="return")
    return found


def brand_by_code(code: str) -> Brand:
    """A brand named in an import or a new part (the services check the actor may edit it)."""
    brand = next((b for b in brands_all() if b.code == code.strip()), None)
    if brand is None:
        raise NotFound(gettext("未知品牌代码 %(code)s") % {"code": code}, field="brand")
    return brand
