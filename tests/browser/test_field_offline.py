"""The technician's phone without network: pages come from the phone, actions wait there and reach the
server exactly once, in order, when the network is back; a refusal on replay is shown, never dropped."""

from __future__ import annotations

import time

import pytest

from anxin.dispatch import services as dispatch_services
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent
from anxin.workorders.tests.factories import order_file
from tests.browser.phone_steps import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def job(brand, category, technician):
    order = order_file()
    WorkOrder.objects.filter(pk=order.pk).update(
        status=Status.TECHNICIAN_ACCEPTED, technician=technician, service_point=technician.service_point
    )
    return order


def _controlled(page) -> None:
    """Wait until the worker is active, then reload once so it controls the page (clients.claim() alone is
    not always honoured on a first visit)."""
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)", timeout=20000)
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20000)


def _events(order, event) -> int:
    return WorkOrderEvent.objects.filter(order=order, event=event).count()


def test_offline_actions_are_kept_on_the_phone_and_sent_once_in_order(
    live_server, phone_page, login, job, screenshot
):
    page = phone_page
    login(page, "tech", "pw-tech")
    page.goto(f"{live_server.url}/dispatch/me/")
    _controlled(page)
    manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    assert manifest["start_url"] == "/dispatch/me/" and manifest["display"] == "standalone"

    page.context.set_offline(True)
    page.click(f'[data-job="{job.number}"] [data-step="depart"]')
    panel = page.locator("#field-offline")
    panel.get_by_text("待提交 1 项").wait_for()
    assert "离线" in panel.inner_text()
    page.reload()  # offline: the page comes from the phone, the queue survives the reload
    page.get_by_role("heading", name="我的任务").wait_for()
    page.locator("#field-offline").get_by_text("待提交 1 项").wait_for()
    screenshot(page, "field-offline-queued-375")
    assert _events(job, Event.DEPART) == 0  # nothing reached the server

    page.context.set_offline(False)
    wait_until(lambda: _events(job, Event.DEPART) == 1, seconds=15, failing="the server never saw it")
    page.locator("#field-offline [data-offline-queued]").get_by_text("待提交").wait_for(state="detached")
    job.refresh_from_db()
    assert job.status == Status.EN_ROUTE
    time.sleep(1.5)  # a late duplicate replay would show here
    assert _events(job, Event.DEPART) == 1


def _depart_offline(page, url: str, login, job) -> None:
    """The technician opens his jobs (the worker controlling the page), loses the network and taps 出发."""
    login(page, "tech", "pw-tech")
    page.goto(f"{url}/dispatch/me/")
    _controlled(page)
    page.context.set_offline(True)
    page.click(f'[data-job="{job.number}"] [data-step="depart"]')
    page.locator("#field-offline").get_by_text("待提交 1 项").wait_for()


def test_an_action_refused_on_replay_is_shown_as_a_conflict(live_server, phone_page, login, job):
    page = phone_page
    _depart_offline(page, live_server.url, login, job)
    # Meanwhile the dispatcher takes the job back and gives it to someone else.
    WorkOrder.objects.filter(pk=job.pk).update(status=Status.ACCEPTED, technician=None)

    page.context.set_offline(False)
    conflict = page.locator("#field-offline .offline-conflict")
    conflict.wait_for(timeout=15000)
    assert "未能提交" in conflict.inner_text()
    assert _events(job, Event.DEPART) == 0
    conflict.get_by_role("button", name="知道了").click()
    conflict.wait_for(state="detached")


def test_an_action_kept_through_a_server_fault_is_sent_again_until_it_lands(
    live_server, phone_page, login, job, monkeypatch
):
    """Back online, the replays meet a server fault for a while (or a network not there yet): the action
    stays on the phone and goes again by itself, backing off, without another network change or a tap.
    Before the page asked again while actions waited, two failed replays left it on the phone for good."""
    page = phone_page
    _depart_offline(page, live_server.url, login, job)

    advance, attempts = dispatch_services.technician_order_advance, []

    def fails_three_times(**kwargs):
        attempts.append(kwargs["event"])
        if len(attempts) <= 3:
            raise RuntimeError("the server is unwell for its first three answers")
        return advance(**kwargs)

    monkeypatch.setattr(dispatch_services, "technician_order_advance", fails_three_times)
    page.context.set_offline(False)
    wait_until(lambda: _events(job, Event.DEPART) == 1, seconds=30, failing="the server never saw it")
    assert attempts == ["depart"] * 4
    page.locator("#field-offline [data-offline-queued]").get_by_text("待提交").wait_for(state="detached")
    assert WorkOrder.objects.get(pk=job.pk).status == Status.EN_ROUTE
