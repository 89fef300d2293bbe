"""Technician reads that are not about offers or plans: by employee number, for the signed-in user, by skill."""

from __future__ import annotations

import pytest

from anxin.core.exceptions import NotFound
from anxin.network.selectors import (
    technician_for_user,
    technician_get_by_employee_no,
    technician_lookup_for_verification,
)

pytestmark = pytest.mark.django_db


def test_verification_finds_a_technician_by_employee_number_whatever_the_case(technician):
    assert technician_lookup_for_verification(employee_no="t1001") == technician


def test_verification_also_finds_an_inactive_technician_so_the_page_can_warn(technician):
    technician.is_active = False
    technician.save(update_fields=["is_active"])
    found = technician_lookup_for_verification(employee_no="T1001")
    assert found is not None and found.is_active is False


def test_verification_answers_none_for_an_unknown_number(technician):
    assert technician_lookup_for_verification(employee_no="T9999") is None


def test_an_inactive_technician_cannot_be_assigned_by_employee_number(technician):
    technician.is_active = False
    technician.save(update_fields=["is_active"])
    with pytest.raises(NotFound) as raised:
        technician_get_by_employee_no(employee_no="T1001")
    assert raised.value.field == "technician"


def test_only_a_technician_has_his_own_record(technician, agent):
    assert technician_for_user(actor=technician.user) == technician
    with pytest.raises(NotFound):
        technician_for_user(actor=agent)
