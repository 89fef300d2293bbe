"""Stock writes: every change is a ledger row (``StockMove``) written in the same transaction as a
conditional UPDATE of the location's ``StockBalance``. The UPDATE carries the condition that keeps the
numbers legal (enough available, enough reserved), so two requests racing for the last unit cannot both
pass: on PostgreSQL the second UPDATE waits for the first row lock and re-checks its WHERE on the new
row; on SQLite writers are serialised (``transaction_mode=IMMEDIATE``). Nothing is read and written back.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import can, require
from anxin.core.exceptions import Conflict, ValidationFailed
from anxin.network.models import ServicePoint, Technician
from anxin.parts.choices import LocationKind, MoveKind, ReservationState
from anxin.parts.models import Part, StockBalance, StockLocation, StockMove, StockReservation
from anxin.parts.permissions import RESERVE, STOCK_MOVE, STOCK_VIEW
from anxin.workorders.choices import OPEN_STATUSES
from anxin.workorders.models import WorkOrder

MAX_QUANTITY = 10_000  # one move; a larger number is a typo, not a delivery


def warehouse_of(*, service_point: ServicePoint) -> StockLocation:
    """The service point's warehouse, created on first use."""
    location, _ = StockLocation.objects.get_or_create(
        kind=LocationKind.WAREHOUSE, service_point=service_point, technician=None
    )
    return location


def van_of(*, technician: Technician) -> StockLocation:
    """The technician's van, created on first use (at his service point)."""
    location, _ = StockLocation.objects.get_or_create(
        technician=technician,
        defaults={"kind": LocationKind.VAN, "service_point_id": technician.service_point_id},
    )
    return location


def _quantity_check(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(
            gettext("数量须在 1 到 %(max)s 之间") % {"max": MAX_QUANTITY},
            field="quantity",
            code="invalid_quantity",
        )


def _balance_change(*, location: StockLocation, part: Part, on_hand_delta: int, reserved_delta: int) -> bool:
    """Apply the deltas when the result stays legal; False (nothing changed) when it would not."""
    StockBalance.objects.bulk_create([StockBalance(location=location, part=part)], ignore_conflicts=True)
    # new on_hand - new reserved >= 0  <=>  on_hand >= reserved + (reserved_delta - on_hand_delta)
    changed = StockBalance.objects.filter(
        location=location,
        part=part,
        reserved__gte=max(0, -reserved_delta),
        on_hand__gte=F("reserved") + (reserved_delta - on_hand_delta),
    ).update(on_hand=F("on_hand") + on_hand_delta, reserved=F("reserved") + reserved_delta)
    return changed == 1


def stock_move_record(
    *,
    location: StockLocation,
    part: Part,
    kind: str,
    on_hand_delta: int,
    reserved_delta: int = 0,
    actor: User | None,
    order: WorkOrder | None = None,
    reservation: StockReservation | None = None,
    counterpart: StockLocation | None = None,
    reference: str = "",
) -> StockMove:
    """The one place stock changes: balance and ledger row together, or a 409 ``stock_insufficient``.
    Call inside a transaction (every caller here is one)."""
    if not _balance_change(
        location=location, part=part, on_hand_delta=on_hand_delta, reserved_delta=reserved_delta
    ):
        raise Conflict(
            gettext("%(location)s 的 %(part)s 可用库存不足")
            % {"location": location, "part": part.part_number},
            field="quantity",
            code="stock_insufficient",
        )
    return StockMove.objects.create(
        location=location,
        part=part,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        actor=actor,
        order=order,
        reservation=reservation,
        counterpart=counterpart,
        reference=reference[:100],
    )


@transaction.atomic
def stock_receive(
    *, location: StockLocation, part: Part, quantity: int, actor: User, reference: str = ""
) -> StockMove:
    """Parts delivered by the brand into a warehouse or van."""
    require(actor, STOCK_MOVE, location)
    _quantity_check(quantity)
    return stock_move_record(
        location=location, part=part, kind=MoveKind.RECEIVE, on_hand_delta=quantity, actor=actor,
        reference=reference,
    )  # fmt: skip


@transaction.atomic
def stock_transfer(
    *,
    source: StockLocation,
    target: StockLocation,
    part: Part,
    quantity: int,
    actor: User,
    reference: str = "",
) -> tuple[StockMove, StockMove]:
    """Move available units from one location to another (warehouse → van, van → warehouse …)."""
    require(actor, STOCK_MOVE, source)
    require(actor, STOCK_MOVE, target)
    _quantity_check(quantity)
    if source.pk == target.pk:
        raise ValidationFailed(gettext("调出和调入地点不能相同"), field="target", code="same_location")
    out = stock_move_record(
        location=source, part=part, kind=MoveKind.TRANSFER_OUT, on_hand_delta=-quantity, actor=actor,
        counterpart=target, reference=reference,
    )  # fmt: skip
    into = stock_move_record(
        location=target, part=part, kind=MoveKind.TRANSFER_IN, on_hand_delta=quantity, actor=actor,
        counterpart=source, reference=reference,
    )  # fmt: skip
    return out, into


@transaction.atomic
def stock_return_to_brand(
    *, location: StockLocation, part: Part, quantity: int, actor: User, reference: str
) -> StockMove:
    """Unused units sent back to the brand (recalled or faulty new parts); the reference is required."""
    require(actor, STOCK_MOVE, location)
    _quantity_check(quantity)
    _reason_check(reference, field="reference")
    return stock_move_record(
        location=location, part=part, kind=MoveKind.RETURN_TO_BRAND, on_hand_delta=-quantity, actor=actor,
        reference=reference,
    )  # fmt: skip


def _reason_check(reason: str, *, field: str) -> None:
    if not reason.strip():
        raise ValidationFailed(gettext("请填写原因或单据号"), field=field, code="reason_required")


@transaction.atomic
def stock_adjust(*, location: StockLocation, part: Part, delta: int, reason: str, actor: User) -> StockMove:
    """A stock count differs from the books: record the difference with its reason (never an edit)."""
    require(actor, STOCK_MOVE, location)
    if delta == 0 or abs(delta) > MAX_QUANTITY:
        raise ValidationFailed(gettext("调整数量不能为 0 或过大"), field="delta", code="invalid_quantity")
    _reason_check(reason, field="reason")
    return stock_move_record(
        location=location, part=part, kind=MoveKind.ADJUST, on_hand_delta=delta, actor=actor, reference=reason
    )


def _reserve_location(*, order: WorkOrder, location: StockLocation | None, actor: User) -> StockLocation:
    """Default: the assigned technician's van. A technician reserves only from his own van."""
    if location is None:
        if order.technician is None:
            raise ValidationFailed(gettext("工单尚未派给技师，请指定库存地点"), field="location")
        location = van_of(technician=order.technician)
    if not can(actor, STOCK_VIEW, location):
        raise ValidationFailed(
            gettext("只能从您自己的车载库存预留"), field="location", code="location_not_yours"
        )
    return location


@transaction.atomic
def stock_reserve(
    *, order: WorkOrder, part: Part, quantity: int, actor: User, location: StockLocation | None = None
) -> StockReservation:
    """Set units aside for an open order; a serialised part is reserved one unit per reservation, so
    each unit is installed with its own code."""
    require(actor, RESERVE, order)
    _quantity_check(quantity)
    if order.status not in OPEN_STATUSES:
        raise Conflict(gettext("工单已结束，不能再预留配件"), field="order", code="order_closed")
    if part.brand_id != order.brand_id or not part.active:
        raise ValidationFailed(
            gettext("该配件不属于此工单的品牌或已停用"), field="part", code="part_wrong_brand"
        )
    if part.serialised and quantity != 1:
        raise ValidationFailed(
            gettext("带防伪码的配件每次预留 1 件"), field="quantity", code="serialised_one"
        )
    location = _reserve_location(order=order, location=location, actor=actor)
    reservation = StockReservation.objects.create(
        order=order, location=location, part=part, quantity=quantity, created_by=actor
    )
    stock_move_record(
        location=location, part=part, kind=MoveKind.RESERVE, on_hand_delta=0, reserved_delta=quantity,
        actor=actor, order=order, reservation=reservation,
    )  # fmt: skip
    return reservation


def reservation_settle(*, reservation: StockReservation, state: str) -> None:
    """reserved → consumed/released, conditionally: a second settlement of the same row is a 409."""
    moved = StockReservation.objects.filter(pk=reservation.pk, state=ReservationState.RESERVED).update(
        state=state
    )
    if moved != 1:
        raise Conflict(gettext("该预留已安装或已释放"), field="reservation", code="reservation_settled")
    reservation.state = state


@transaction.atomic
def reservation_release(*, reservation: StockReservation, actor: User, reason: str = "") -> StockReservation:
    """The part is not needed after all: its units become available again."""
    require(actor, RESERVE, reservation.order)
    reservation_settle(reservation=reservation, state=ReservationState.RELEASED)
    stock_move_record(
        location=reservation.location, part=reservation.part, kind=MoveKind.RELEASE, on_hand_delta=0,
        reserved_delta=-reservation.quantity, actor=actor, order=reservation.order, reservation=reservation,
        reference=reason,
    )  # fmt: skip
    return reservation
