import datetime as dt

import pytest
from django.test import Client

from anxin.sla.choices import SlaKind, SlaState
from anxin.sla.models import SlaAlert, SlaClock
from anxin.sla.services import sla_sweep
from anxin.workorders.tests.factories import order_file


@pytest.fixture
def order(brand, category, after_commit):
    with after_commit():
        return order_file()


def test_pause_and_resume_through_the_api(order, dispatcher, api_client, token_for):
    client = api_client(token_for(dispatcher))
    paused = client.post(
        f"/api/v1/orders/{order.number}/sla/pause",
        data={"reason": "waiting_parts", "note": "等主板"},
        content_type="application/json",
    )
    assert paused.status_code == 200
    assert {c["state"] for c in paused.json()["sla"]} == {SlaState.PAUSED}
    again = client.post(
        f"/api/v1/orders/{order.number}/sla/pause",
        data={"reason": "waiting_parts"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["error"] == "already_paused"
    bad = client.post(
        f"/api/v1/orders/{order.number}/sla/pause", data={"reason": "lunch"}, content_type="application/json"
    )
    # An unknown reason is invalid input (422, documented as an enum), not a state conflict.
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    resumed = client.post(f"/api/v1/orders/{order.number}/sla/resume")
    assert resumed.status_code == 200 and {c["state"] for c in resumed.json()["sla"]} == {SlaState.RUNNING}


def test_brand_staff_cannot_pause(order, brand_staff, api_client, token_for):
    response = api_client(token_for(brand_staff)).post(
        f"/api/v1/orders/{order.number}/sla/pause", data={"reason": "other"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_breach_report_counts_kept_and_broken_promises(
    order, dispatcher, brand_staff, other_brand, api_client, token_for, after_commit
):
    with after_commit():
        order_file(phone="13900000000", brand="昌尔特")
    sla_sweep(
        now=SlaClock.objects.get(order=order, kind=SlaKind.TECHNICIAN_CONFIRMED).due_at
        + dt.timedelta(minutes=1)
    )
    report = api_client(token_for(dispatcher)).get("/api/v1/sla/breaches?days=7").json()
    rows = {(r["brand"], r["kind"]): r for r in report["rows"]}
    assert rows[("乐创", "technician_confirmed")]["breached"] == 1
    assert rows[("昌尔特", "technician_confirmed")]["breached"] == 1
    assert {b["number"] for b in report["breaches"]} >= {order.number}
    scoped = api_client(token_for(brand_staff)).get("/api/v1/sla/breaches").json()
    assert {r["brand"] for r in scoped["rows"]} == {"乐创"}


def test_dispatchers_see_and_acknowledge_alerts_and_others_do_not(
    order, dispatcher, technician, api_client, token_for
):
    sla_sweep(
        now=SlaClock.objects.get(order=order, kind=SlaKind.TECHNICIAN_CONFIRMED).due_at
        + dt.timedelta(minutes=1)
    )
    client = api_client(token_for(dispatcher))
    alerts = client.get("/api/v1/sla/alerts").json()
    assert [a["level"] for a in alerts] == ["breach"]
    assert (
        client.post(f"/api/v1/sla/alerts/{alerts[0]['id']}/acknowledge").json()["acknowledged_at"] is not None
    )
    assert client.get("/api/v1/sla/alerts").json() == []
    assert api_client(token_for(technician.user)).get("/api/v1/sla/alerts").json() == []
    assert SlaAlert.objects.count() == 1


def test_the_order_page_pauses_resumes_and_records_contact(order, agent, after_commit):
    client = Client()
    client.force_login(agent)
    client.post(
        f"/orders/{order.number}/sla/", {"action": "pause", "reason": "waiting_customer", "note": "客户出差"}
    )
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "时效已暂停" in page and "等待客户" in page
    client.post(f"/orders/{order.number}/sla/", {"action": "resume"})
    with after_commit():
        client.post(f"/orders/{order.number}/sla/", {"action": "contacted", "note": "约明早"})
    states = dict(SlaClock.objects.filter(order=order).values_list("kind", "state"))
    assert (
        states[SlaKind.CUSTOMER_CONTACTED] == SlaState.MET
        and states[SlaKind.TECHNICIAN_CONFIRMED] == SlaState.RUNNING
    )
