"""The permission table, walked for every role: services refuse exactly what the table refuses, the
order page offers exactly what the table allows, and docs/security.md shows the table as it is.

Each row's expected answer is worked out here from the grants alone (role → scope, and what "own"
means for this fixture set), independently of the apps' ``in_scope`` functions.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import cast

import pytest
from django.test import Client

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import Scope, permission_table, permission_table_markdown
from anxin.core.exceptions import DomainError, PermissionDenied
from anxin.customers.models import Customer
from anxin.sla.choices import PauseReason
from anxin.sla.permissions import PAUSE, RESUME
from anxin.sla.services import sla_pause, sla_resume
from anxin.workorders.choices import TRANSITION_EVENTS, Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.permissions import RECORD_CONTACT, REVEAL, TRANSITIONS
from anxin.workorders.services import (
    workorder_contact_reveal,
    workorder_customer_contacted,
    workorder_transition,
)
from anxin.workorders.statemachine import TRANSITIONS as MACHINE
from anxin.workorders.tests.factories import order_file

ROOT = Path(__file__).resolve().parents[3]
# Everyone the walk tries, with who they are to the order: "own" holds for the assigned technician and
# the customer the order belongs to, not for another technician or another order's customer.
PEOPLE = (
    "admin",
    "dispatcher",
    "agent",
    "technician",
    "other_technician",
    "brand_staff",
    "customer",
    "other_customer",
    "outsider",
)
OWNERS = {"technician", "customer"}


@pytest.fixture
def world(
    db, brand, category, admin_user, dispatcher, agent, technician, other_technician, brand_staff, outsider
):
    order = order_file(phone="13800000001", brand="乐创")
    people = {
        "admin": admin_user,
        "dispatcher": dispatcher,
        "agent": agent,
        "technician": technician.user,
        "other_technician": other_technician.user,
        "brand_staff": brand_staff,
        "outsider": outsider,
    }
    owner = User.objects.create_user(username="cust", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    people["customer"] = owner
    other = order_file(phone="13800000002", brand="乐创")
    stranger = User.objects.create_user(username="cust2", role=Role.CUSTOMER)
    Customer.objects.filter(pk=other.customer_id).update(user=stranger)
    people["other_customer"] = stranger
    return order, technician, people


def _expected(action, who: str, user: User) -> bool:
    scope = action.grants.get("admin" if user.is_superuser else user.role)
    if scope is None:
        return False
    return scope != Scope.OWN or who in OWNERS


def _sources(transition: dict[str, object]) -> list[str]:
    """The statuses a state-machine transition fires from: one string, or a list of them."""
    source = transition["source"]
    return [source] if isinstance(source, str) else list(cast(list[str], source))


def _source_for(event: str) -> str:
    """A status the event may fire from; the customer's own rules prefer early cancel and the quote."""
    sources = _sources(next(t for t in MACHINE if t["trigger"] == event))
    preferences = (Status.RECEIVED,) if event == Event.CANCEL else (Status.AWAITING_APPROVAL,)
    for preferred in preferences:
        if preferred in sources:
            return preferred
    return sources[0]


def _reset(order: WorkOrder, technician, status: str) -> WorkOrder:
    WorkOrder.objects.filter(pk=order.pk).update(status=status, technician=technician)
    order.sla_pauses.all().delete()
    return WorkOrder.objects.select_related("technician", "customer").get(pk=order.pk)


def _allowed_by_service(call) -> bool:
    """True when the service went through, False on 403; any other refusal fails the walk."""
    try:
        call()
    except PermissionDenied:
        return False
    except DomainError as exc:  # the fixture put the order where the action is legal
        pytest.fail(f"refused for another reason: {exc.code} {exc.detail}")
    return True


def test_every_state_machine_event_is_in_the_table():
    assert set(TRANSITIONS) == {e.value for e in TRANSITION_EVENTS}


@pytest.mark.parametrize("event", [e.value for e in TRANSITION_EVENTS])
def test_each_transition_is_allowed_exactly_as_the_table_says(world, event):
    order, technician, people = world
    action = TRANSITIONS[event]
    for who in PEOPLE:
        user = people[who]
        fresh = _reset(order, technician, _source_for(event))
        extra = {"technician": technician} if event == Event.DISPATCH else {}
        allowed = _allowed_by_service(
            partial(workorder_transition, order=fresh, event=event, actor=user, note="walk", **extra)
        )
        assert allowed == _expected(action, who, user), (event, who)


@pytest.mark.parametrize(
    ("action", "call"),
    [
        (REVEAL, lambda o, u: workorder_contact_reveal(order=o, actor=u, field="contact_phone")),
        (RECORD_CONTACT, lambda o, u: workorder_customer_contacted(order=o, actor=u)),
        (PAUSE, lambda o, u: sla_pause(order=o, reason=PauseReason.values[0], actor=u)),
    ],
    ids=lambda v: getattr(v, "key", ""),
)
def test_order_actions_are_allowed_exactly_as_the_table_says(world, action, call):
    order, technician, people = world
    for who in PEOPLE:
        fresh = _reset(order, technician, Status.TECHNICIAN_ACCEPTED)
        allowed = _allowed_by_service(partial(call, fresh, people[who]))
        assert allowed == _expected(action, who, people[who]), (action.key, who)


def test_resuming_the_clocks_is_allowed_exactly_as_the_table_says(world):
    order, technician, people = world
    for who in PEOPLE:
        fresh = _reset(order, technician, Status.TECHNICIAN_ACCEPTED)
        sla_pause(order=fresh, reason=PauseReason.values[0], actor=people["admin"])
        allowed = _allowed_by_service(partial(sla_resume, order=fresh, actor=people[who]))
        assert allowed == _expected(RESUME, who, people[who]), who


def _offered_events(client: Client, number: str) -> set[str]:
    page = client.get(f"/orders/{number}/").content.decode()
    form = re.search(r'<form[^>]*id="transition-form".*?</form>', page, re.S)
    return set(re.findall(r'<option value="([a-z_]+)"', form.group(0))) if form else set()


def test_the_order_page_offers_exactly_the_events_the_user_may_fire(world):
    order, technician, people = world
    sources = {_source_for(e.value) for e in TRANSITION_EVENTS}
    clients = {}
    for who in PEOPLE:
        clients[who] = Client()
        clients[who].force_login(people[who])
    for status in sources:
        fresh = _reset(order, technician, status)
        legal = {cast(str, t["trigger"]) for t in MACHINE if status in _sources(t)}  # triggers are Events
        for who in PEOPLE:
            user = people[who]
            visible = who not in {"other_technician", "other_customer", "outsider"}
            expected = {e for e in legal if visible and _expected(TRANSITIONS[e], who, user)}
            assert _offered_events(clients[who], fresh.number) == expected, (status, who)


def test_docs_security_shows_the_table_as_the_code_declares_it():
    text = (ROOT / "docs" / "security.md").read_text()
    table = text.split("<!-- table:start -->\n", 1)[1].split("<!-- table:end -->", 1)[0]
    assert table == permission_table_markdown()


def test_every_grant_names_a_known_role_and_scope():
    for action in permission_table():
        assert set(action.grants) <= set(Role.values), action.key
        assert set(action.grants.values()) <= set(Scope), action.key
