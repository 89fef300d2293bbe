"""Every page hides what the permission table forbids: rendered for each person, a page shows an
action's button, form or link (its ``data-action="<action key>"``) exactly when the table allows it.

The expectations come from the grants (permission_walk.expected), never from the views' own checks.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import Action, Scope, permission_table
from anxin.backoffice.tests.permission_walk import PEOPLE, World, expected, signed_in, world_build
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.permissions import BOARD, OFFER_ANSWER, PIN, REASSIGN, SUGGESTIONS, TECHNICIAN_STATUS
from anxin.evidence.choices import ClaimStatus
from anxin.evidence.models import Claim
from anxin.evidence.permissions import ARBITRATE, DECIDE, REVIEW
from anxin.network.permissions import COVERAGE_EDIT, COVERAGE_VIEW
from anxin.portal.navigation import CUSTOMER, NAV, STAFF, TECHNICIAN
from anxin.sla.permissions import PAUSE
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.permissions import EDIT, EXPORT, RECORD_CONTACT, REVEAL, TRANSITIONS
from anxin.workorders.statemachine import events_from
from anxin.workorders.tests.factories import order_file

LIST: frozenset[Scope] = frozenset()
ACTIONS = {a.key: a for a in permission_table()}
# Who cannot open the order at all (the order page answers 404): not theirs, not their brand.
STRANGERS = {"other_technician", "other_customer", "other_brand_staff", "outsider"}


@pytest.fixture
def world(
    db, brand, other_brand, product_model, admin_user, dispatcher, agent, technician, other_technician,
    brand_staff, outsider,
) -> World:  # fmt: skip
    return world_build(
        brand=brand, other_brand=other_brand, product_model=product_model, admin_user=admin_user,
        dispatcher=dispatcher, agent=agent, technician=technician, other_technician=other_technician,
        brand_staff=brand_staff, outsider=outsider,
    )  # fmt: skip


@pytest.fixture
def clients(world) -> dict[str, Client]:
    return {who: signed_in(world.people[who]) for who in PEOPLE}


def _shown(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_.]+)"', html))


def _page(client: Client, url: str) -> tuple[int, set[str]]:
    response = client.get(url, follow=True)
    return response.status_code, _shown(response.content.decode()) if response.status_code == 200 else set()


def _audience(user: User) -> str:
    if user.is_superuser or user.role not in (Role.CUSTOMER, Role.TECHNICIAN):
        return STAFF
    return CUSTOMER if user.role == Role.CUSTOMER else TECHNICIAN


def test_the_navigation_links_exactly_the_actions_the_user_may_take(world, clients):
    for who in PEOPLE:
        user = world.people[who]
        audience = _audience(user)
        start = {STAFF: "/orders/", CUSTOMER: "/", TECHNICIAN: "/dispatch/me/"}[audience]
        status, shown = _page(clients[who], start)
        if status != 200:  # the technician page answers 404 to a user with no technician record
            status, shown = _page(clients[who], "/")
        linked = {e.action.key for e in NAV[audience] if e.action is not None}
        allowed = {key for key in linked if expected(ACTIONS[key], who, user, narrowed=LIST)}
        assert shown & linked == allowed, (who, start)


@pytest.mark.parametrize(
    "status", [Status.RECEIVED, Status.ACCEPTED, Status.TECHNICIAN_ACCEPTED, Status.AWAITING_APPROVAL]
)
def test_the_order_page_shows_exactly_the_actions_the_user_may_take(world, clients, status):
    WorkOrder.objects.filter(pk=world.order.pk).update(status=status)
    order = WorkOrder.objects.get(pk=world.order.pk)
    on_order: dict[str, Action] = {
        **{TRANSITIONS[e].key: TRANSITIONS[e] for e in events_from(status)},
        **{a.key: a for a in (REVEAL, RECORD_CONTACT, PAUSE, EDIT, SUGGESTIONS)},
    }
    for who in PEOPLE:
        user = world.people[who]
        code, shown = _page(clients[who], f"/orders/{order.number}/")
        if who in STRANGERS:
            assert code == 404, who
            continue
        assert code == 200, who
        allowed = {key for key, action in on_order.items() if expected(action, who, user)}
        assert shown & set(on_order) == allowed, (status, who)


def test_the_order_list_offers_the_export_exactly_to_whom_the_table_allows(world, clients, other_brand):
    order_file(phone="13800000003", brand=other_brand.name)  # the other brand's staff have a row to export
    for who in PEOPLE:
        code, shown = _page(clients[who], "/orders/")
        may = expected(EXPORT, who, world.people[who], narrowed=LIST)
        assert (code == 200 and "workorders.export" in shown) == may, who


def test_the_dispatch_board_shows_reassign_and_pin_exactly_to_whom_the_table_allows(world, clients):
    WorkOrder.objects.filter(pk=world.order.pk).update(status=Status.ACCEPTED, technician=None)
    for who in PEOPLE:
        user = world.people[who]
        code, shown = _page(clients[who], f"/dispatch/board/?sp={world.service_point.pk}")
        assert (code == 200) == expected(BOARD, who, user, narrowed=LIST), (who, code)
        assert code in (200, 403), (who, code)
        assert ("dispatch.reassign" in shown) == expected(REASSIGN, who, user, narrowed=LIST), who
        assert "dispatch.pin" not in shown or expected(PIN, who, user, narrowed=LIST), who


def test_the_technician_page_offers_answers_and_status_only_to_the_technician(world, clients):
    WorkOrder.objects.filter(pk=world.order.pk).update(status=Status.DISPATCHED)
    now = timezone.now()
    DispatchOffer.objects.create(
        order=world.order, technician=world.technician, state=OfferState.PENDING, created_at=now,
        expires_at=now + dt.timedelta(minutes=10),
    )  # fmt: skip
    for who in PEOPLE:
        user = world.people[who]
        code, shown = _page(clients[who], "/dispatch/me/")
        if who == "technician":
            assert {"dispatch.offer_answer", "dispatch.technician_status"} <= shown
            continue
        # Everyone else has no technician record: no page, so no offer to answer. Another technician
        # has his own page, with his own status controls and no one else's offer.
        assert "dispatch.offer_answer" not in shown, who
        assert ("dispatch.technician_status" in shown) == (who == "other_technician"), who
        assert expected(OFFER_ANSWER, who, user) is False
        assert code in (200, 403, 404), (who, code)
    assert expected(TECHNICIAN_STATUS, "technician", world.people["technician"])


@pytest.mark.parametrize("status", [ClaimStatus.REVIEW, ClaimStatus.APPEALED])
def test_the_claim_review_page_shows_the_decision_form_exactly_to_deciders(world, clients, status):
    Claim.objects.filter(pk=world.claim.pk).update(status=status)
    deciding = [ARBITRATE] if status == ClaimStatus.APPEALED else list(DECIDE.values())
    marker = "evidence.arbitrate" if status == ClaimStatus.APPEALED else "evidence.decide"
    for who in PEOPLE:
        user = world.people[who]
        code, shown = _page(clients[who], f"/claims/{world.claim.number}/review/")
        reviews = expected(REVIEW, who, user)
        assert (code == 200) == reviews, (who, code)
        may_decide = any(expected(a, who, user) for a in deciding)
        assert (marker in shown) == may_decide, (status, who)


def test_the_coverage_pages_open_exactly_to_whom_the_table_allows(world, clients):
    for who in PEOPLE:
        user = world.people[who]
        code, _ = _page(clients[who], "/areas/service-points/")
        assert (code == 200) == expected(COVERAGE_EDIT, who, user, narrowed=LIST), (who, code)
        code, _ = _page(clients[who], f"/areas/service-points/{world.service_point.pk}/coverage/")
        assert (code == 200) == expected(COVERAGE_EDIT, who, user, narrowed=LIST), (who, code)
        for url in ("/areas/lookup/", "/areas/coverage/"):
            code, _ = _page(clients[who], url)
            assert (code == 200) == expected(COVERAGE_VIEW, who, user, narrowed=LIST), (who, url, code)
