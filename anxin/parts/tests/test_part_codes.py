"""The genuine-part check: a code is accepted once, for its own part; anything else is refused and flagged."""

from __future__ import annotations

import pytest

from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.parts import services
from anxin.parts.choices import AlertReason, CodeState, ReturnState
from anxin.parts.models import PartCode, PartCodeAlert, PartReturn
from anxin.parts.selectors import alerts_for, order_parts_used
from anxin.parts.tests.factories import assigned_order, make_codes, make_part


@pytest.fixture
def reserved(dispatcher, technician, order, coded_part, van):
    services.stock_receive(location=van, part=coded_part, quantity=3, actor=dispatcher)
    return services.stock_reserve(order=order, part=coded_part, quantity=1, actor=technician.user)


def _refused(exc_type, **kwargs) -> str:
    with pytest.raises(exc_type) as refused:
        services.part_code_verify(**kwargs)
    assert refused.value.field == "code"
    return refused.value.code


def test_an_issued_code_of_the_part_is_accepted_and_installed_once(technician, order, coded_part, reserved):
    code = services.part_code_verify(
        order=order, part=coded_part, code=" lech-aaaa-0001 ", actor=technician.user
    )
    assert code.code == "LECH-AAAA-0001"

    installation = services.part_install(
        reservation=reserved, code="LECH-AAAA-0001", removed_serial="IGN-2019-0042", actor=technician.user
    )

    assert installation.code == code and PartCode.objects.get(pk=code.pk).state == CodeState.INSTALLED
    [used] = order_parts_used(order)
    assert (used.new_serial, used.removed_serial, used.return_state) == (
        "LECH-AAAA-0001", "IGN-2019-0042", ReturnState.PENDING,
    )  # fmt: skip
    assert PartCodeAlert.objects.count() == 0


def test_an_unknown_code_is_refused_and_flagged_to_the_brand(technician, order, coded_part, brand_staff):
    reason = _refused(
        ValidationFailed, order=order, part=coded_part, code="FAKE-0000-1111", actor=technician.user
    )
    assert reason == "part_code_unknown"
    [alert] = alerts_for(actor=brand_staff)
    assert (alert.order, alert.technician, alert.code, alert.reason) == (
        order, technician, "FAKE-0000-1111", AlertReason.UNKNOWN,
    )  # fmt: skip


def test_a_code_of_another_part_or_brand_is_a_mismatch(technician, order, coded_part, brand, other_brand):
    other_part = make_part(brand, number="LC-FS-01", serialised=True)
    make_codes(other_part, "LECH-BBBB-0001")
    foreign = make_part(other_brand, number="CE-IGN", serialised=True)
    make_codes(foreign, "CHAN-CCCC-0001")
    for code in ("LECH-BBBB-0001", "CHAN-CCCC-0001"):
        assert _refused(ValidationFailed, order=order, part=coded_part, code=code, actor=technician.user) == (
            "part_code_mismatch"
        )
    assert PartCodeAlert.objects.filter(reason=AlertReason.MISMATCH, brand=brand).count() == 2


def test_a_reused_code_is_refused_flagged_and_nothing_is_consumed(
    dispatcher, technician, order, coded_part, reserved, van, brand_staff, other_brand
):
    services.part_install(reservation=reserved, code="LECH-AAAA-0001", actor=technician.user)
    second_order = assigned_order(technician, phone="13800000009")
    again = services.stock_reserve(order=second_order, part=coded_part, quantity=1, actor=technician.user)

    with pytest.raises(Conflict) as used:
        services.part_install(reservation=again, code="LECH-AAAA-0001", actor=technician.user)

    assert used.value.code == "part_code_used"
    again.refresh_from_db()
    assert again.state == "reserved"  # still reserved: the part was not installed
    [alert] = alerts_for(actor=brand_staff)
    assert (alert.order, alert.reason) == (second_order, AlertReason.USED)
    # another brand's staff do not see it
    from anxin.accounts.models import User

    stranger = User.objects.create_user(username="ce", role="brand_staff")
    stranger.brands.add(other_brand)
    assert list(alerts_for(actor=stranger)) == []


def test_a_serialised_part_cannot_be_installed_without_its_code(technician, reserved):
    with pytest.raises(ValidationFailed) as missing:
        services.part_install(reservation=reserved, actor=technician.user)
    assert missing.value.code == "part_code_required"


def test_the_technician_of_another_order_may_not_verify_codes_on_it(other_technician, order, coded_part):
    with pytest.raises(PermissionDenied):
        services.part_code_verify(
            order=order, part=coded_part, code="LECH-AAAA-0001", actor=other_technician.user
        )
    assert PartCodeAlert.objects.count() == 0  # an outsider's guesses are not the brand's alerts


def test_brand_staff_issue_codes_for_their_parts_only(brand_staff, coded_part, other_brand):
    issued = services.part_codes_issue(part=coded_part, quantity=3, actor=brand_staff, batch="2026-12")
    assert len({c.code for c in issued}) == 3 and all(c.code.startswith("LECH-") for c in issued)
    given = services.part_codes_issue(part=coded_part, codes=["lc-own-000001"], actor=brand_staff)
    assert given[0].code == "LC-OWN-000001"
    with pytest.raises(Conflict):
        services.part_codes_issue(part=coded_part, codes=["LC-OWN-000001"], actor=brand_staff)
    foreign = make_part(other_brand, number="CE-1", serialised=True)
    with pytest.raises(PermissionDenied):
        services.part_codes_issue(part=foreign, quantity=1, actor=brand_staff)


def test_a_return_goes_pending_shipped_received(dispatcher, technician, brand_staff, coded_part, reserved):
    services.part_install(
        reservation=reserved, code="LECH-AAAA-0002", removed_serial="OLD-1", actor=technician.user
    )
    part_return = PartReturn.objects.get()
    with pytest.raises(Conflict):
        services.part_return_receive(part_return=part_return, actor=brand_staff)
    services.part_return_ship(part_return=part_return, actor=dispatcher, tracking_number="SF123")
    done = services.part_return_receive(part_return=part_return, actor=brand_staff)
    assert (done.state, done.tracking_number, done.received_by) == (
        ReturnState.RECEIVED,
        "SF123",
        brand_staff,
    )
