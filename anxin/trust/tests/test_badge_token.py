"""Badge tokens: issued for the technician's own order, checked as valid, expired, forged, inactive,
for an order he no longer serves, or for another order than the customer's."""

from __future__ import annotations

import time

import pytest
from django.core import signing

from anxin.core.exceptions import Conflict, PermissionDenied
from anxin.trust.choices import BadgeStatus
from anxin.trust.services import badge_token_check, badge_token_issue
from anxin.trust.tests.factories import order_on_the_way
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(technician):
    return order_on_the_way(technician=technician)


def _issue(technician, order):
    return badge_token_issue(actor=technician.user, technician=technician, order=order)


def test_a_fresh_token_is_valid_and_names_the_order_and_the_technician(technician, order):
    badge = _issue(technician, order)

    check = badge_token_check(token=badge.token)

    assert check.status == BadgeStatus.VALID
    assert check.order_number == order.number
    assert check.employee_no == "T1001"
    assert check.masked_name.endswith("*") and "tech" not in check.masked_name[1:]
    assert check.order_label == "乐创 消毒柜"
    assert check.shows_photo
    assert badge.verify_url.endswith(f"/verify/?t={badge.token}")


def test_a_token_older_than_its_lifetime_is_expired(technician, order, settings, monkeypatch):
    settings.ANXIN_BADGE_TOKEN_TTL_S = 300
    issued = time.time() - 301
    monkeypatch.setattr(time, "time", lambda: issued)
    badge = _issue(technician, order)
    monkeypatch.undo()

    check = badge_token_check(token=badge.token)

    assert check.status == BadgeStatus.EXPIRED
    assert check.technician is None and not check.shows_photo


def test_a_token_within_its_lifetime_but_no_longer_the_newest_stays_valid(technician, order, monkeypatch):
    """Rotation does not revoke: the QR scanned a minute ago still answers (see services docstring)."""
    issued = time.time() - 120
    monkeypatch.setattr(time, "time", lambda: issued)
    older = _issue(technician, order)
    monkeypatch.undo()
    newer = _issue(technician, order)

    assert older.token != newer.token
    assert badge_token_check(token=older.token).status == BadgeStatus.VALID


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: ("." + token[2:]) if token.startswith(".") else token[:3] + "x" + token[4:],  # payload
        lambda token: "not-a-token",
        lambda token: "",
    ],
    ids=["signature", "payload", "garbage", "empty"],
)
def test_a_tampered_or_made_up_token_is_forged(technician, order, tamper):
    badge = _issue(technician, order)

    check = badge_token_check(token=tamper(badge.token))

    assert check.status == BadgeStatus.FORGED
    assert check.technician is None and check.order_number == ""


def test_a_token_signed_for_another_purpose_is_forged(technician, order):
    """Same secret key, other salt (e.g. another app's signed value): not a badge."""
    token = signing.TimestampSigner(salt="anxin.other").sign_object({"t": technician.pk, "o": order.number})

    assert badge_token_check(token=token).status == BadgeStatus.FORGED


def test_a_validly_signed_token_of_the_wrong_shape_is_forged(technician, order):
    token = signing.TimestampSigner(salt="anxin.trust.badge").sign_object(["t", technician.pk])

    assert badge_token_check(token=token).status == BadgeStatus.FORGED


def test_a_badge_for_one_order_shown_for_another_says_so(technician, order):
    badge = _issue(technician, order)

    check = badge_token_check(token=badge.token, expected_order="wo20990101001")

    assert check.status == BadgeStatus.OTHER_ORDER
    assert check.order_number == order.number and check.expected_order == "WO20990101001"
    assert check.shows_photo  # genuine: the customer may compare the face


def test_the_customers_own_order_number_matches_whatever_its_case(technician, order):
    badge = _issue(technician, order)

    assert (
        badge_token_check(token=badge.token, expected_order=order.number.lower()).status == BadgeStatus.VALID
    )


def test_a_deactivated_technicians_token_says_inactive(technician, order):
    badge = _issue(technician, order)
    technician.is_active = False
    technician.save()

    check = badge_token_check(token=badge.token)

    assert check.status == BadgeStatus.INACTIVE and not check.shows_photo


def test_a_technician_whose_login_is_disabled_is_inactive(technician, order):
    badge = _issue(technician, order)
    technician.user.is_active = False
    technician.user.save()

    assert badge_token_check(token=badge.token).status == BadgeStatus.INACTIVE


def test_a_token_for_an_order_reassigned_or_finished_is_not_assigned(technician, other_technician, order):
    badge = _issue(technician, order)
    WorkOrder.objects.filter(pk=order.pk).update(technician=other_technician)

    assert badge_token_check(token=badge.token).status == BadgeStatus.NOT_ASSIGNED

    WorkOrder.objects.filter(pk=order.pk).update(technician=technician, status=Status.COMPLETED)
    check = badge_token_check(token=badge.token)
    assert check.status == BadgeStatus.NOT_ASSIGNED and not check.shows_photo


def test_no_badge_is_issued_for_an_order_he_is_not_on(technician, other_technician, order):
    WorkOrder.objects.filter(pk=order.pk).update(technician=other_technician)
    order.refresh_from_db()

    with pytest.raises(Conflict):
        _issue(technician, order)


def test_nobody_issues_a_badge_for_another_technician(technician, other_technician, order, dispatcher):
    with pytest.raises(PermissionDenied):
        badge_token_issue(actor=other_technician.user, technician=technician, order=order)
    with pytest.raises(PermissionDenied):
        badge_token_issue(actor=dispatcher, technician=technician, order=order)
