"""The permission walk's cases for parts actions (collected by ``permission_walk.app_cases``).

The world's order is of brand 乐创, assigned to ``technician``; stock and parts each case needs are
made by the admin inside the person's rolled-back savepoint."""

from __future__ import annotations

from decimal import Decimal

from anxin.accounts.models import User
from anxin.accounts.permissions import Scope
from anxin.backoffice.tests.permission_walk import Case, World
from anxin.parts import services
from anxin.parts.models import Part, PartReturn, StockReservation
from anxin.parts.selectors import alerts_for, order_parts_for, parts_catalogue_for, stock_moves_for
from anxin.workorders.models import WorkOrder

LIST = frozenset[Scope]()


def _order(w: World) -> WorkOrder:
    return WorkOrder.objects.select_related("technician", "customer").get(pk=w.order.pk)


def _part(w: World, *, serialised: bool = False) -> Part:
    part, _ = Part.objects.get_or_create(
        brand=w.brand,
        part_number="WALK-1" if not serialised else "WALK-S",
        defaults={
            "name": "走查配件",
            "list_price": Decimal("10.00"),
            "serialised": serialised,
            "return_required": True,
        },
    )
    return part


def _reserved(w: World) -> StockReservation:
    admin = w.people["admin"]
    order, part = _order(w), _part(w)
    van = services.van_of(technician=w.technician)
    services.stock_receive(location=van, part=part, quantity=1, actor=admin)
    return services.stock_reserve(order=order, part=part, quantity=1, actor=admin)


def _reserve(w: World, user: User) -> None:
    admin = w.people["admin"]
    part = _part(w)
    services.stock_receive(
        location=services.van_of(technician=w.technician), part=part, quantity=1, actor=admin
    )
    services.stock_reserve(order=_order(w), part=part, quantity=1, actor=user)


def _return(w: World, *, shipped: bool = False) -> PartReturn:
    admin = w.people["admin"]
    services.part_install(reservation=_reserved(w), actor=admin, removed_serial="OLD-WALK")
    row = PartReturn.objects.get(order=w.order)
    if shipped:
        services.part_return_ship(part_return=row, actor=admin)
    return row


CASES: dict[str, Case] = {
    "parts.catalogue_view": Case(lambda w, u: list(parts_catalogue_for(actor=u)), narrowed=LIST),
    "parts.catalogue_edit": Case(
        lambda w, u: services.part_create(
            brand=w.brand, actor=u, part_number="WALK-NEW", name="新配件", list_price=Decimal("1.00")
        )
    ),
    "parts.stock_view": Case(
        lambda w, u: list(stock_moves_for(actor=u, location=services.van_of(technician=w.technician)))
    ),
    "parts.stock_move": Case(
        lambda w, u: services.stock_receive(
            location=services.warehouse_of(service_point=w.service_point), part=_part(w), quantity=1, actor=u
        )
    ),
    "parts.reserve": Case(_reserve),
    "parts.install": Case(lambda w, u: services.part_install(reservation=_reserved(w), actor=u)),
    "parts.order_parts_view": Case(lambda w, u: order_parts_for(actor=u, order=_order(w))),
    "parts.codes": Case(
        lambda w, u: services.part_codes_issue(part=_part(w, serialised=True), quantity=1, actor=u)
    ),
    "parts.alerts_view": Case(lambda w, u: list(alerts_for(actor=u)), narrowed=LIST),
    "parts.return_ship": Case(lambda w, u: services.part_return_ship(part_return=_return(w), actor=u)),
    "parts.return_receive": Case(
        lambda w, u: services.part_return_receive(part_return=_return(w, shipped=True), actor=u)
    ),
}
