"""The offer loop: offer at once, decline → next best, timeout → next, nobody left → dispatcher."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from anxin.core.exceptions import Conflict, PermissionDenied
from anxin.dispatch import services
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchEscalation, DispatchOffer
from anxin.dispatch.tests.factories import NOW, always_on, order_new
from anxin.network.choices import TechnicianStatus
from anxin.sla.choices import SlaKind, SlaState
from anxin.sla.services import sla_outbox_read
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offer_timeout(settings):
    """The timeout tests count in 5-minute steps, whatever the environment sets."""
    settings.ANXIN_OFFER_TIMEOUT_MINUTES = 5


def _new_order(phone: str = "13800000001") -> WorkOrder:
    order = order_new(phone)
    assert order.service_point is not None and order.status == Status.RECEIVED
    return order


def test_a_new_order_is_offered_to_the_best_technician_as_soon_as_it_is_committed(
    near, far, django_capture_on_commit_callbacks
):
    # Given two skilled technicians on shift whenever the test runs, when a covered order is filed
    always_on(near), always_on(far)
    with django_capture_on_commit_callbacks(execute=True):
        order = _new_order()
    # Then the system accepted and dispatched it and the nearer technician has a pending offer
    order.refresh_from_db()
    offer = DispatchOffer.objects.get(order=order)
    assert order.status == Status.DISPATCHED and order.technician == near
    assert offer.state == OfferState.PENDING and offer.technician == near and offer.offered_by is None
    assert (
        dt.timedelta(minutes=4, seconds=50) < offer.expires_at - offer.created_at <= dt.timedelta(minutes=5)
    )
    system_events: list[tuple[str, int | None]] = list(
        order.events.filter(event__in=["accept", "dispatch"]).values_list("event", "actor")
    )
    assert system_events == [("accept", None), ("dispatch", None)]


def test_an_order_that_needs_an_agent_is_not_offered(near, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_new("13800000002", address="")  # address missing: blocking attention
    order.refresh_from_db()
    assert order.status == Status.RECEIVED and not DispatchOffer.objects.filter(order=order).exists()


def test_declining_hands_the_order_to_the_next_best_technician(near, far):
    order = _new_order()
    first = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert first is not None
    assert first.technician == near

    second = services.offer_decline(offer=first, actor=near.user, reason="在外地", now=NOW)
    assert second is not None

    first.refresh_from_db()
    order.refresh_from_db()
    assert first.state == OfferState.DECLINED and first.answered_at == NOW
    assert second.technician == far and second.state == OfferState.PENDING
    assert order.status == Status.DISPATCHED and order.technician == far
    assert list(order.events.values_list("event", flat=True))[-2:] == ["technician_decline", "dispatch"]
    assert order.events.filter(event="technician_decline", actor=near.user).exists()


def test_an_unanswered_offer_expires_and_goes_to_the_next_best(near, far):
    order = _new_order()
    first = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert first is not None

    # Before the timeout nothing happens
    assert services.offer_expire(offer_id=first.pk, now=NOW + dt.timedelta(minutes=4)) is None
    first.refresh_from_db()
    assert first.state == OfferState.PENDING

    # At the timeout the next best technician gets it
    second = services.offer_expire(offer_id=first.pk, now=NOW + dt.timedelta(minutes=5, seconds=1))
    assert second is not None
    first.refresh_from_db()
    assert first.state == OfferState.EXPIRED and second.technician == far
    assert order.events.filter(event="withdraw", actor__isnull=True).exists()
    assert not order.events.filter(event="technician_decline").exists()
    # Running the expiry task again (a retried job) changes nothing
    assert services.offer_expire(offer_id=first.pk, now=NOW + dt.timedelta(minutes=6)) is None
    assert DispatchOffer.objects.filter(order=order, state=OfferState.PENDING).count() == 1


def test_the_sweep_expires_offers_whose_scheduled_task_was_lost(near, far):
    order = _new_order()
    services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert services.offers_expire_due(now=NOW + dt.timedelta(minutes=6)) == 1
    assert DispatchOffer.objects.get(order=order, state=OfferState.PENDING).technician == far


def test_when_nobody_is_left_the_order_is_escalated_to_the_dispatcher(near, far):
    order = _new_order()
    first = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert first is not None
    second = services.offer_decline(offer=first, actor=first.technician.user, now=NOW)
    assert second is not None

    third = services.offer_decline(offer=second, actor=second.technician.user, now=NOW)

    order.refresh_from_db()
    assert third is None
    assert order.status == Status.ACCEPTED and order.technician is None
    escalation = DispatchEscalation.objects.get(order=order)
    assert escalation.resolved_at is None and escalation.reason == "all_declined"
    assert order.events.filter(event="dispatch_escalated").count() == 1
    # Asking again neither re-offers a refusing technician nor escalates twice
    assert services.offer_next(order=order, now=NOW) is None
    assert DispatchEscalation.objects.filter(order=order).count() == 1


def test_an_order_nobody_can_do_is_escalated_at_once(point, technician, django_capture_on_commit_callbacks):
    # technician has no coordinates and the brand × category skill is missing for every technician
    technician.brands.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = _new_order()
    assert DispatchEscalation.objects.get(order=order).reason == "nobody_available"
    assert not DispatchOffer.objects.filter(order=order).exists()


def test_accepting_the_offer_keeps_the_thirty_minute_confirmation_promise(near, far):
    order = _new_order()
    sla_outbox_read()  # the clocks start on the order's "created" event, read after commit
    clock = order.sla_clocks.get(kind=SlaKind.TECHNICIAN_CONFIRMED)
    assert clock.state == SlaState.RUNNING and clock.target_minutes == 30
    offer = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert offer is not None

    services.offer_accept(offer=offer, actor=near.user, now=NOW + dt.timedelta(minutes=2))
    sla_outbox_read()  # what the kick after the commit runs

    offer.refresh_from_db()
    order.refresh_from_db()
    clock.refresh_from_db()
    assert offer.state == OfferState.ACCEPTED
    assert order.status == Status.TECHNICIAN_ACCEPTED and order.technician == near
    assert clock.state == SlaState.MET and clock.finished_at is not None


def test_an_expired_offer_can_no_longer_be_accepted(near, far):
    order = _new_order()
    offer = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert offer is not None
    with pytest.raises(Conflict) as exc:
        services.offer_accept(offer=offer, actor=near.user, now=NOW + dt.timedelta(minutes=6))
    assert exc.value.code == "offer_closed"
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_only_the_offered_technician_may_answer(near, far):
    order = _new_order()
    offer = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert offer is not None
    with pytest.raises(PermissionDenied):
        services.offer_accept(offer=offer, actor=far.user, now=NOW)
    with pytest.raises(PermissionDenied):
        services.offer_decline(offer=offer, actor=far.user, now=NOW)


def test_an_order_is_never_offered_twice_at_the_same_time(near, far):
    order = _new_order()
    first = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert first is not None
    # The task retried, or two workers raced: the same offer comes back
    assert services.offer_for_new_order(order_id=order.pk, now=NOW) is None  # no longer new
    assert services.offer_next(order=order, now=NOW) == first
    # And the database refuses a second pending offer outright
    with pytest.raises(IntegrityError):
        DispatchOffer.objects.create(order=order, technician=far, created_at=NOW, expires_at=NOW)


def test_a_cancelled_order_is_not_handed_on_when_its_offer_lapses(near, far, dispatcher):
    order = _new_order()
    offer = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert offer is not None
    order.refresh_from_db()
    workorder_transition(order=order, event=Event.CANCEL, actor=dispatcher)
    assert services.offer_expire(offer_id=offer.pk, now=NOW + dt.timedelta(minutes=6)) is None
    offer.refresh_from_db()
    assert offer.state == OfferState.EXPIRED
    assert not DispatchOffer.objects.filter(order=order, state=OfferState.PENDING).exists()


def test_a_technician_going_off_sick_hands_his_jobs_to_others(near, far):
    order = _new_order()
    offer = services.offer_for_new_order(order_id=order.pk, now=NOW)
    assert offer is not None
    services.offer_accept(offer=offer, actor=near.user, now=NOW)

    services.technician_status_set(technician=near, status=TechnicianStatus.OFF, actor=near.user, now=NOW)

    order.refresh_from_db()
    assert order.status == Status.DISPATCHED and order.technician == far
    assert DispatchOffer.objects.get(order=order, state=OfferState.PENDING).technician == far
