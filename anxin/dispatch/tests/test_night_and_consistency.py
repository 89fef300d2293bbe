"""Dispatch at night and the consistency sweep: offers only to technicians on shift, an order filed after
hours waits for the first shift (no offer, no escalation), and no order is left where nobody can accept it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from anxin.dispatch import services
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchEscalation, DispatchOffer
from anxin.dispatch.services.sweep import offers_consistency_check
from anxin.dispatch.tests.factories import SHANGHAI, next_wednesday_at, order_new
from anxin.network.models import ServicePoint, Technician
from anxin.sla.choices import SlaKind
from anxin.sla.models import SlaClock
from anxin.sla.services import sla_clocks_start
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition

pytestmark = pytest.mark.django_db

TUESDAY_2350 = next_wednesday_at(0) - dt.timedelta(minutes=10)
WEDNESDAY_0800 = next_wednesday_at(8)


@pytest.fixture
def day_shift(point: ServicePoint, near: Technician, far: Technician) -> ServicePoint:
    """The point opens 08:00-18:00 every day; both technicians work 08:00-18:00 on weekdays."""
    ServicePoint.objects.filter(pk=point.pk).update(opening_hours="08:00-18:00", open_24h=False)
    Technician.objects.filter(pk__in=[near.pk, far.pk]).update(
        shift_start=dt.time(8), shift_end=dt.time(18), work_days="12345"
    )
    point.refresh_from_db()
    return point


def test_an_order_filed_at_2350_is_not_offered_nor_escalated_overnight(day_shift):
    # Given an order filed at 23:50
    order = order_new("13800000011")
    # When intake's hook and then the sweep run through the night
    assert services.offer_for_new_order(order_id=order.pk, now=TUESDAY_2350) is None
    for hour in (0, 3, 7):
        offers_consistency_check(now=next_wednesday_at(hour, 30))
    # Then nobody was offered it and no dispatcher was called out
    assert not DispatchOffer.objects.filter(order=order).exists()
    assert not DispatchEscalation.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_the_first_technician_on_shift_gets_the_offer_at_0800(day_shift, near):
    order = order_new("13800000012")
    services.offer_for_new_order(order_id=order.pk, now=TUESDAY_2350)
    # One minute before the shift: still waiting
    assert offers_consistency_check(now=WEDNESDAY_0800 - dt.timedelta(minutes=1))["waiting_offered"] == 0
    # At 08:00 the sweep offers it to the best technician on shift
    assert offers_consistency_check(now=WEDNESDAY_0800)["waiting_offered"] == 1
    offer = DispatchOffer.objects.get(order=order)
    assert offer.state == OfferState.PENDING and offer.technician == near
    assert offer.created_at == WEDNESDAY_0800


def test_offers_go_only_to_technicians_on_shift(day_shift, near, far):
    # Given the nearer technician starts late today
    Technician.objects.filter(pk=near.pk).update(shift_start=dt.time(10))
    order = order_new("13800000013")
    # When the order is offered at 09:00, then it goes to the one on shift, not the nearer one
    offer = services.offer_for_new_order(order_id=order.pk, now=next_wednesday_at(9))
    assert offer is not None and offer.technician == far


def test_an_offer_lapsing_after_the_shift_waits_for_the_next_morning(day_shift, near, far, settings):
    settings.ANXIN_OFFER_TIMEOUT_MINUTES = 5
    order = order_new("13800000014")
    first = services.offer_for_new_order(order_id=order.pk, now=next_wednesday_at(17, 58))
    assert first is not None
    # When it lapses at 18:03, nobody is on shift: no cascade of offers, no escalation
    assert services.offer_expire(offer_id=first.pk, now=next_wednesday_at(18, 3)) is None
    assert DispatchOffer.objects.filter(order=order, state=OfferState.PENDING).count() == 0
    assert not DispatchEscalation.objects.filter(order=order).exists()
    # And the next morning the other technician gets it
    offers_consistency_check(now=WEDNESDAY_0800 + dt.timedelta(days=1))
    second = DispatchOffer.objects.get(order=order, state=OfferState.PENDING)
    assert second.technician != first.technician


def test_a_dispatched_order_without_a_live_offer_is_offered_again(near, far):
    # Given an order left dispatched although its offer is gone (a lost task, a manual database fix)
    order = order_new("13800000015")
    offer = services.offer_for_new_order(order_id=order.pk, now=next_wednesday_at(9))
    assert offer is not None
    DispatchOffer.objects.filter(pk=offer.pk).update(state=OfferState.WITHDRAWN)
    # When the consistency check runs
    counts = offers_consistency_check(now=next_wednesday_at(9, 5))
    # Then the order is taken back and offered again: it can be accepted
    assert counts["stranded"] == 1
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert DispatchOffer.objects.filter(order=order, state=OfferState.PENDING).count() == 1
    assert order.events.filter(event=Event.WITHDRAW, actor__isnull=True).exists()


def test_a_stranded_order_nobody_can_take_is_escalated(point, near, dispatcher):
    order = order_new("13800000016")
    offer = services.offer_for_new_order(order_id=order.pk, now=next_wednesday_at(9))
    assert offer is not None
    DispatchOffer.objects.filter(pk=offer.pk).update(state=OfferState.DECLINED)  # he said no, nobody else
    offers_consistency_check(now=next_wednesday_at(9, 5))
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED
    assert DispatchEscalation.objects.filter(order=order, resolved_at__isnull=True).count() == 1
    # And the next sweep leaves the escalated order to the dispatcher
    counts = offers_consistency_check(now=next_wednesday_at(9, 6))
    assert counts == {"stranded": 0, "waiting_offered": 0, "back_on_duty": 0}


def test_a_cancelled_order_is_left_alone(near, dispatcher):
    order = order_new("13800000017")
    workorder_transition(order=WorkOrder.objects.get(pk=order.pk), event=Event.CANCEL, actor=dispatcher)
    counts = offers_consistency_check(now=next_wednesday_at(9))
    assert counts == {"stranded": 0, "waiting_offered": 0, "back_on_duty": 0}
    assert not DispatchOffer.objects.filter(order=order).exists()


def test_the_confirmation_clock_of_a_night_order_runs_on_the_points_hours(day_shift):
    order = order_new("13800000018")
    SlaClock.objects.filter(order=order).delete()
    sla_clocks_start(
        order=WorkOrder.objects.select_related("service_point").get(pk=order.pk), at=TUESDAY_2350
    )
    clock = SlaClock.objects.get(order=order, kind=SlaKind.TECHNICIAN_CONFIRMED)
    # 30 minutes of opening hours: 08:30 the next morning, not 00:20
    assert clock.due_at.astimezone(SHANGHAI) == WEDNESDAY_0800 + dt.timedelta(minutes=30)


def test_no_demo_order_is_stranded(db, settings):
    # Given the demo data
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    # Then every dispatched demo order has a live offer its technician can accept
    for order in WorkOrder.objects.filter(status=Status.DISPATCHED):
        offer = DispatchOffer.objects.get(order=order, state=OfferState.PENDING)
        assert offer.technician_id == order.technician_id
    # And no accepted demo order still carries a pending offer
    for order in WorkOrder.objects.exclude(status=Status.DISPATCHED):
        assert not DispatchOffer.objects.filter(order=order, state=OfferState.PENDING).exists()


def test_the_board_says_an_order_waits_for_the_first_shift_rather_than_nobody(day_shift, dispatcher):
    # Given an order filed at 23:50
    order = order_new("13800000019")
    services.offer_for_new_order(order_id=order.pk, now=TUESDAY_2350)
    # When the dispatcher looks at the board at 23:55
    board = services.board_snapshot(
        actor=dispatcher, service_point=day_shift, now=TUESDAY_2350 + dt.timedelta(minutes=5)
    )
    card = next(b for b in board.orders if b.order.pk == order.pk)
    # Then the card says when it will be offered; nobody is offered and the card does not say "nobody"
    assert card.who.waiting and card.who.first_shift == WEDNESDAY_0800
    assert card.offer is None and card.suggestion is None and not card.who.on_shift


def test_the_board_card_and_the_offer_loop_agree_on_who_is_available(day_shift, near, far, dispatcher):
    order = order_new("13800000020")
    at_nine = next_wednesday_at(9)
    board = services.board_snapshot(actor=dispatcher, service_point=day_shift, now=at_nine)
    card = next(b for b in board.orders if b.order.pk == order.pk)
    offer = services.offer_for_new_order(order_id=order.pk, now=at_nine)
    # The technician the loop offers it to is one the card listed as available
    assert offer is not None and offer.technician in card.who.on_shift
    assert not card.who.waiting


def test_sla_warnings_and_breaches_reach_the_board_without_a_reload(point, near, dispatcher):
    from django.test import Client
    from django.utils import timezone

    from anxin.sla.services import sla_outbox_read, sla_sweep

    order = order_new("13800000021")
    sla_outbox_read()
    sla_sweep(now=timezone.now() + dt.timedelta(hours=2))  # warnings and breaches for the order's clocks
    client = Client()
    client.force_login(dispatcher)
    response = client.get(f"/dispatch/board/alerts/?sp={point.pk}", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="sla-alert-count"' in body and order.number in body
    page = client.get(f"/dispatch/board/?sp={point.pk}").content.decode()
    assert 'hx-get="/dispatch/board/alerts/?sp=' in page and "every 20s" in page


def test_the_board_alerts_are_for_dispatchers_only(point, agent, outsider):
    from django.test import Client

    for user in (agent, outsider):
        client = Client()
        client.force_login(user)
        assert client.get(f"/dispatch/board/alerts/?sp={point.pk}").status_code == 403
