"""Stock is a ledger: every move kind changes on-hand / reserved as it should, and nothing goes negative."""

from __future__ import annotations

import pytest

from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.parts import services
from anxin.parts.choices import MoveKind, ReservationState
from anxin.parts.models import StockBalance, StockMove
from anxin.parts.selectors import order_parts_settled, order_parts_used, stock_level, stock_levels


def _level(location, part) -> tuple[int, int, int]:
    level = stock_level(location=location, part=part)
    balance = StockBalance.objects.get(location=location, part=part)
    # the guard row and the ledger never disagree
    assert (balance.on_hand, balance.reserved) == (level.on_hand, level.reserved)
    return level.on_hand, level.reserved, level.available


def test_every_move_kind_adds_up_in_the_ledger(dispatcher, technician, order, part, warehouse, van):
    services.stock_receive(location=warehouse, part=part, quantity=10, actor=dispatcher, reference="DN-1")
    assert _level(warehouse, part) == (10, 0, 10)

    services.stock_transfer(source=warehouse, target=van, part=part, quantity=4, actor=dispatcher)
    assert _level(warehouse, part) == (6, 0, 6)
    assert _level(van, part) == (4, 0, 4)

    kept = services.stock_reserve(order=order, part=part, quantity=2, actor=technician.user)
    spare = services.stock_reserve(order=order, part=part, quantity=1, actor=technician.user)
    assert _level(van, part) == (4, 3, 1)

    services.reservation_release(reservation=spare, actor=technician.user, reason="不需要")
    assert _level(van, part) == (4, 2, 2)

    services.part_install(reservation=kept, actor=technician.user, removed_serial="OLD-77")
    assert _level(van, part) == (2, 0, 2)

    services.stock_return_to_brand(
        location=warehouse, part=part, quantity=1, actor=dispatcher, reference="召回"
    )
    services.stock_adjust(location=warehouse, part=part, delta=-2, reason="盘点少 2 件", actor=dispatcher)
    assert _level(warehouse, part) == (3, 0, 3)

    kinds = list(StockMove.objects.filter(part=part).values_list("kind", flat=True))
    assert set(kinds) == set(MoveKind.values)
    assert [lvl.on_hand for lvl in stock_levels(location=van)] == [2]
    assert order_parts_settled(order)
    [used] = order_parts_used(order)
    assert (used.part, used.quantity, used.removed_serial, used.new_serial) == (part, 2, "OLD-77", "")


def test_taking_more_than_is_available_is_refused_and_writes_nothing(
    dispatcher, technician, order, part, warehouse, van
):
    services.stock_receive(location=van, part=part, quantity=2, actor=dispatcher)
    services.stock_reserve(order=order, part=part, quantity=2, actor=technician.user)
    before = StockMove.objects.count()

    with pytest.raises(Conflict) as transfer:
        services.stock_transfer(source=van, target=warehouse, part=part, quantity=1, actor=dispatcher)
    with pytest.raises(Conflict):
        services.stock_reserve(order=order, part=part, quantity=1, actor=technician.user)
    with pytest.raises(Conflict):
        services.stock_adjust(location=van, part=part, delta=-1, reason="丢失", actor=dispatcher)
    with pytest.raises(Conflict):
        services.stock_return_to_brand(
            location=warehouse, part=part, quantity=1, actor=dispatcher, reference="x"
        )

    assert transfer.value.code == "stock_insufficient" and transfer.value.field == "quantity"
    assert StockMove.objects.count() == before
    assert _level(van, part) == (2, 2, 0)


def test_the_database_refuses_a_negative_balance_even_without_the_service(part, warehouse):
    from django.db import IntegrityError, transaction

    StockBalance.objects.create(location=warehouse, part=part, on_hand=1, reserved=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(location=warehouse, part=part).update(on_hand=0)


def test_an_adjustment_needs_a_reason_and_a_quantity(dispatcher, part, warehouse):
    with pytest.raises(ValidationFailed) as no_reason:
        services.stock_adjust(location=warehouse, part=part, delta=3, reason=" ", actor=dispatcher)
    with pytest.raises(ValidationFailed) as zero:
        services.stock_adjust(location=warehouse, part=part, delta=0, reason="盘点", actor=dispatcher)
    assert (no_reason.value.field, zero.value.field) == ("reason", "delta")


def test_a_technician_reserves_only_from_his_own_van_for_his_own_order(
    dispatcher, technician, other_technician, order, part, warehouse
):
    services.stock_receive(location=warehouse, part=part, quantity=5, actor=dispatcher)
    with pytest.raises(ValidationFailed) as not_his:
        services.stock_reserve(order=order, part=part, quantity=1, actor=technician.user, location=warehouse)
    assert not_his.value.code == "location_not_yours"
    with pytest.raises(PermissionDenied):
        services.stock_reserve(order=order, part=part, quantity=1, actor=other_technician.user)
    # the dispatcher may reserve from the warehouse on his behalf
    reservation = services.stock_reserve(
        order=order, part=part, quantity=1, actor=dispatcher, location=warehouse
    )
    assert reservation.state == ReservationState.RESERVED
    assert not order_parts_settled(order)


def test_a_part_of_another_brand_cannot_be_reserved_for_the_order(dispatcher, order, other_brand, van):
    from anxin.parts.tests.factories import make_part

    foreign = make_part(other_brand, number="CE-1")
    services.stock_receive(location=van, part=foreign, quantity=1, actor=dispatcher)
    with pytest.raises(ValidationFailed) as refused:
        services.stock_reserve(order=order, part=foreign, quantity=1, actor=dispatcher)
    assert refused.value.code == "part_wrong_brand"


def test_a_settled_reservation_cannot_be_settled_again(dispatcher, technician, order, part, van):
    services.stock_receive(location=van, part=part, quantity=1, actor=dispatcher)
    reservation = services.stock_reserve(order=order, part=part, quantity=1, actor=technician.user)
    services.reservation_release(reservation=reservation, actor=technician.user)
    with pytest.raises(Conflict) as again:
        services.part_install(reservation=reservation, actor=technician.user)
    assert again.value.code == "reservation_settled"
    assert _level(van, part) == (1, 0, 1)
