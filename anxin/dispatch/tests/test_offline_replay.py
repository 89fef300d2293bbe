"""The phone's offline queue replays actions with their Idempotency-Key: each runs once (anxin/core/replay.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anxin.core.models import ReplayGuard
from anxin.core.replay import replay_guards_prune
from anxin.dispatch import services
from anxin.dispatch.tests.factories import always_on, order_new
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrderEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(near):
    always_on(near)
    offer = services.offer_for_new_order(order_id=order_new("13800000301").pk)
    assert offer is not None
    client = _phone(near.user)
    client.post(f"/dispatch/me/offers/{offer.pk}/", {"action": "accept"})
    offer.order.refresh_from_db()
    assert offer.order.status == Status.TECHNICIAN_ACCEPTED
    return offer.order, client


def _phone(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def _depart(client: Client, number: str, key: str):
    return client.post(
        f"/dispatch/me/orders/{number}/",
        {"event": "depart"},
        HTTP_HX_REQUEST="true",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _departures(order) -> int:
    return WorkOrderEvent.objects.filter(order=order, event=Event.DEPART).count()


def test_the_same_action_sent_twice_runs_once_and_the_second_answer_says_so(accepted):
    order, client = accepted

    first = _depart(client, order.number, "k-1")
    again = _depart(client, order.number, "k-1")

    assert first.status_code == 200
    assert again.status_code == 204 and again["Idempotent-Replayed"] == "true"
    assert "anxin:toast" in again["HX-Trigger"]
    assert _departures(order) == 1
    assert ReplayGuard.objects.get().status == 200


def test_a_new_key_is_a_new_action(accepted):
    order, client = accepted
    _depart(client, order.number, "k-1")

    second = _depart(client, order.number, "k-2")  # the order is en route: departing again is refused

    assert second.status_code == 409
    assert _departures(order) == 1


def test_a_refusal_is_answered_again_as_a_refusal(accepted):
    order, client = accepted
    _depart(client, order.number, "k-1")
    refused = _depart(client, order.number, "k-2")

    again = _depart(client, order.number, "k-2")

    assert refused.status_code == again.status_code == 409
    assert again["Idempotent-Replayed"] == "true"


def test_keys_belong_to_their_user(accepted, far):
    order, client = accepted
    _depart(client, order.number, "shared")

    stranger = _phone(far.user).post(
        f"/dispatch/me/orders/{order.number}/", {"event": "arrive"}, HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert "Idempotent-Replayed" not in stranger  # not answered from the other technician's attempt
    assert stranger.status_code in (403, 404)


def test_a_first_attempt_still_running_makes_the_copy_wait_and_an_abandoned_one_is_run(accepted):
    order, client = accepted
    from anxin.core.replay import _digest

    path = f"/dispatch/me/orders/{order.number}/"
    ReplayGuard.objects.create(digest=_digest(order.technician.user_id, path, "k-run"))

    waiting = _depart(client, order.number, "k-run")
    assert waiting.status_code == 409 and waiting["Idempotent-Replayed"] == "running"
    assert _departures(order) == 0

    ReplayGuard.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert _depart(client, order.number, "k-run").status_code == 200
    assert _departures(order) == 1


def test_a_server_fault_forgets_the_key_so_the_phone_can_try_again(accepted, monkeypatch):
    order, client = accepted
    real = services.technician_order_advance

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "technician_order_advance", broken)
    client.raise_request_exception = False
    assert _depart(client, order.number, "k-1").status_code == 500
    assert ReplayGuard.objects.count() == 0

    monkeypatch.setattr(services, "technician_order_advance", real)
    assert _depart(client, order.number, "k-1").status_code == 200
    assert _departures(order) == 1


def test_posts_without_a_key_are_not_guarded(accepted):
    order, client = accepted
    client.post(f"/dispatch/me/orders/{order.number}/", {"event": "depart"})
    assert ReplayGuard.objects.count() == 0 and _departures(order) == 1


def test_old_guards_are_pruned(accepted):
    order, client = accepted
    _depart(client, order.number, "k-1")
    ReplayGuard.objects.update(created_at=timezone.now() - dt.timedelta(days=8))

    assert replay_guards_prune() == 1
    assert ReplayGuard.objects.count() == 0
