"""The offline replay of 50 queued actions: every one reaches the server exactly once, and how long it takes
from reconnecting to the last one stored. One round here (a check); bench/offline_replay.py runs several
rounds and reports the median (docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import statistics
import threading
import time

import pytest
from django.core.signals import request_finished, request_started

from anxin.visits.choices import VisitKind
from anxin.visits.models import InspectionResult
from anxin.visits.selectors import templates_for_order
from anxin.visits.services import inspection_start
from anxin.visits.tests.factories import on_site_order
from tests.browser.phone_steps import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

ACTIONS = 50
ROUNDS = int(os.environ.get("ANXIN_BENCH_ROUNDS", "1"))

# Queue the actions as the page does: htmx-style POSTs (HX-Request, CSRF, an Idempotency-Key each) that the
# worker intercepts; offline it keeps them and answers 202.
QUEUE_JS = """async ([url, count, round]) => {
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const statuses = [];
  for (let i = 0; i < count; i++) {
    const body = new URLSearchParams({ value: `记录 ${round}-${i}` });
    const r = await fetch(url, { method: "POST", credentials: "same-origin", body, headers: {
      "HX-Request": "true", "X-CSRFToken": token, "Idempotency-Key": crypto.randomUUID() } });
    statuses.push(r.status);
  }
  return statuses;
}"""


class Arrivals:
    """Counts the item posts that reach the server (duplicates too) and when the last one finished.

    The live server answers each request in its own thread, which also sends request_finished."""

    def __init__(self, path: str) -> None:
        self.path, self.lock, self.local = path, threading.Lock(), threading.local()
        self.started = self.finished = 0
        self.last_finished = 0.0

    def on_start(self, sender, environ, **kwargs) -> None:
        mine = environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == self.path
        self.local.mine = mine
        if mine:
            with self.lock:
                self.started += 1

    def on_finish(self, sender, **kwargs) -> None:
        if getattr(self.local, "mine", False):
            self.local.mine = False
            with self.lock:
                self.finished += 1
                self.last_finished = time.monotonic()


def test_fifty_actions_queued_offline_are_replayed_once_each(
    live_server, phone_page, login, technician, product_model
):
    order = on_site_order(technician=technician)
    template = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    run = inspection_start(actor=technician.user, order=order, template=template)
    path = f"/visits/{order.number}/inspections/{run.pk}/items/notes/"
    page = phone_page
    login(page, "tech", "pw-tech")
    page.goto(f"{live_server.url}/visits/{order.number}/checklist/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30000)

    arrivals = Arrivals(path)
    request_started.connect(arrivals.on_start)
    request_finished.connect(arrivals.on_finish)
    seconds = []
    try:
        for round_ in range(ROUNDS):
            arrivals.started = arrivals.finished = 0
            page.context.set_offline(True)
            statuses = page.evaluate(QUEUE_JS, [path, ACTIONS, round_])
            assert statuses == [202] * ACTIONS  # all kept on the phone
            page.locator("#field-offline").get_by_text(f"待提交 {ACTIONS} 项").wait_for()
            assert arrivals.started == 0
            reconnect = time.monotonic()
            page.context.set_offline(False)
            wait_until(lambda: arrivals.finished >= ACTIONS, seconds=60, failing="the replay did not finish")
            seconds.append(arrivals.last_finished - reconnect)
            page.locator("#field-offline [data-offline-queued]").get_by_text("待提交").wait_for(
                state="detached"
            )
            time.sleep(1.0)  # a late duplicate would arrive here
            assert arrivals.started == ACTIONS  # each arrived exactly once
            stored = InspectionResult.objects.get(inspection=run, item__code="notes").text
            assert (
                stored == f"记录 {round_}-{ACTIONS - 1}"
            )  # in order: the last one queued is the last stored
    finally:
        request_started.disconnect(arrivals.on_start)
        request_finished.disconnect(arrivals.on_finish)
    result = {"actions": ACTIONS, "rounds": ROUNDS, "seconds": [round(s, 3) for s in seconds],
              "median_s": round(statistics.median(seconds), 3)}  # fmt: skip
    if out := os.environ.get("ANXIN_BENCH_OUT"):  # bench/offline_replay.py reads it
        with open(out, "w", encoding="utf-8") as f:
            json.dump(result, f)
