"""Every purpose's upload, walked for every person: creating it (and sending it) goes through exactly when
the permission table allows the action the purpose answers to, as the walk in backoffice does."""

from __future__ import annotations

import pytest
from django.db import transaction

from anxin.accounts.permissions import permission_table
from anxin.backoffice.tests.permission_walk import FORBIDDEN, HIDDEN, OK, PEOPLE, expected, world_build
from anxin.uploads.tests.permission_cases import PURPOSE_CASES
from anxin.visits.models import VisitPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    db, brand, other_brand, product_model, admin_user, dispatcher, agent, technician, other_technician,
    brand_staff, outsider,
):  # fmt: skip
    return world_build(
        brand=brand, other_brand=other_brand, product_model=product_model, admin_user=admin_user,
        dispatcher=dispatcher, agent=agent, technician=technician, other_technician=other_technician,
        brand_staff=brand_staff, outsider=outsider,
    )  # fmt: skip


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("key", sorted(PURPOSE_CASES))
def test_each_purpose_is_allowed_exactly_as_the_table_says(world, key):
    action = next(a for a in permission_table() if a.key == key)
    case = PURPOSE_CASES[key]
    allowed = 0
    for who in PEOPLE:
        user = world.people[who]
        try:
            with transaction.atomic():
                status = int(case.call(world, user))  # type: ignore[call-overload]
                photos = VisitPhoto.objects.count()
                raise _Rollback
        except _Rollback:
            pass
        got = {403: FORBIDDEN, 404: HIDDEN}.get(status, OK)
        if expected(action, who, user, narrowed=case.narrowed):
            assert (got, status, photos) == (OK, 200, 1), (who, status)
            allowed += 1
        elif action.grants.get("admin" if user.is_superuser else user.role) is None:
            assert got == FORBIDDEN, (who, status)
        else:
            assert got == (HIDDEN if case.hidden else FORBIDDEN), (who, status)
    assert allowed, "nobody may: the walk would prove nothing"
