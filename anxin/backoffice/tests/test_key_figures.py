"""Key figures on the staff home: the right cards per role, counted in the viewer's scope, in few queries,
each linking to a list that shows exactly the rows it counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anxin.backoffice.selectors import staff_key_figures
from anxin.evidence.choices import ClaimStatus
from anxin.evidence.models import Claim
from anxin.evidence.tests.factories import make_buyer, make_claim
from anxin.sla.models import SlaClock
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file


def _clock(order: WorkOrder, *, state: str, due_in_minutes: int, warned: bool = False) -> None:
    now = timezone.now()
    SlaClock.objects.create(
        order=order,
        kind="on_site",
        target_minutes=120,
        state=state,
        started_at=now - dt.timedelta(hours=1),
        due_at=now + dt.timedelta(minutes=due_in_minutes),
        warned_at=now if warned else None,
    )


@pytest.fixture
def world(brand, other_brand, category, dispatcher):
    """Our brand: 3 orders today (1 confirmed, 1 warned clock, 1 calm clock) and 1 from last week with a
    broken promise; the other brand: 1 confirmed order with an overdue clock. Claims: 2 ours, 1 theirs."""
    ours = [order_file(phone=f"1380013800{i}") for i in range(4)]
    WorkOrder.objects.filter(pk=ours[3].pk).update(created_at=timezone.now() - dt.timedelta(days=7))
    workorder_transition(order=ours[0], event=Event.ACCEPT, actor=dispatcher)
    _clock(ours[1], state="running", due_in_minutes=8, warned=True)
    _clock(ours[2], state="running", due_in_minutes=240)
    _clock(ours[3], state="breached", due_in_minutes=-60)
    theirs = order_file(phone="13900139000", brand=other_brand.name)
    workorder_transition(order=theirs, event=Event.ACCEPT, actor=dispatcher)
    _clock(theirs, state="running", due_in_minutes=-5)  # overdue; the breach task has not run yet
    buyer = make_buyer()
    for claim_brand, status in (
        (brand, ClaimStatus.REVIEW),
        (brand, ClaimStatus.APPEALED),
        (other_brand, ClaimStatus.REVIEW),
    ):
        claim = make_claim(buyer=buyer, brand=claim_brand)
        Claim.objects.filter(pk=claim.pk).update(status=status)


def _counts(actor) -> dict[str, int]:
    return {f.key: f.count for f in staff_key_figures(actor=actor)}


def test_the_dispatcher_sees_orders_figures_over_all_brands(world, dispatcher):
    assert _counts(dispatcher) == {"new_today": 4, "waiting": 2, "sla_at_risk": 3}


def test_brand_staff_see_their_brands_only_and_the_claims_they_decide(world, brand_staff):
    # no appeals: the platform arbitrates those
    assert _counts(brand_staff) == {"new_today": 3, "sla_at_risk": 2, "claims_to_decide": 1}


def test_the_admin_sees_all_four_including_appeals_to_arbitrate(world, admin_user):
    assert _counts(admin_user) == {"new_today": 4, "waiting": 2, "sla_at_risk": 3, "claims_to_decide": 3}


def test_the_agent_sees_the_order_figures(world, agent):
    assert set(_counts(agent)) == {"new_today", "waiting", "sla_at_risk"}


def test_technicians_and_outsiders_get_no_figures(world, technician, outsider, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert staff_key_figures(actor=technician.user) == []
        assert staff_key_figures(actor=outsider) == []


@pytest.mark.parametrize(("who", "queries"), [("dispatcher", 1), ("brand_staff", 2), ("admin_user", 2)])
def test_the_figures_cost_one_query_over_orders_and_one_over_claims(
    world, request, who, queries, django_assert_num_queries
):
    actor = request.getfixturevalue(who)
    with django_assert_num_queries(queries):
        staff_key_figures(actor=actor)


@pytest.mark.parametrize("who", ["dispatcher", "brand_staff", "admin_user"])
def test_each_figure_links_to_a_list_with_exactly_its_rows(world, client, request, who):
    actor = request.getfixturevalue(who)
    client.force_login(actor)
    for figure in staff_key_figures(actor=actor):
        response = client.get(figure.url)
        assert response.status_code == 200, figure.key
        assert response.context["page"].paginator.count == figure.count, figure.key


def test_the_staff_home_shows_the_cards(world, client, brand_staff):
    client.force_login(brand_staff)

    html = client.get("/orders/").content.decode()

    assert 'data-figure="claims_to_decide"' in html and 'data-figure="waiting"' not in html
