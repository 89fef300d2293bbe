"""What one API intake costs the database: the statement count is pinned (issue #9: at most 9).

The test runs outside a test transaction (``transactional_db``) so the statements counted are
the ones production sends: no test savepoints, and the order number is taken in its own
statement before the intake transaction opens.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxin.network.services import coverage_import
from anxin.workorders.models import OrderNumberCounter, WorkOrder

ORDER = {
    "phone": "13800138000",
    "name": "张伟",
    "address": "广东省东莞市虎门镇太沙路8号",
    "brand": "乐创",
    "category": "消毒柜",
    "description": "不加热",
}
# number, customer (look-up, insert), device, order, "created" event, receipt, both durable jobs
# (one INSERT), idempotency record. The API token and the coverage answer come from short
# per-process caches; SLA clocks start later, by reaction to "created".
MAX_STATEMENTS = 9


def post(client, body, **headers):
    return client.post("/api/v1/orders", data=json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def jobs_held():
    """Jobs are queued (in memory), not run at commit: their own statements are not the intake's."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    saved = (HUEY._immediate, HUEY.storage)
    HUEY._immediate, HUEY.storage = False, MemoryStorage("intake-cost")
    try:
        yield HUEY
    finally:
        HUEY._immediate, HUEY.storage = saved


@pytest.fixture
def covered_client(
    jobs_held, transactional_db, agent, api_client, token_for, service_point, brand, category, admin_user
):
    service_point.brands.add(brand)
    service_point.categories.add(category)
    coverage_import(actor=admin_user, service_point=service_point, text="东莞市虎门镇")
    client = api_client(token_for(agent))
    warm = post(client, {**ORDER, "phone": "13900000000"})  # first use: token stamp, caches fill
    assert warm.status_code == 201, warm.content
    return client


def _statements(client, body, **headers):
    """The statements of one request, transaction control (BEGIN, COMMIT) left out: the backends
    log it differently, and the count should mean the same on both databases."""
    with CaptureQueriesContext(connection) as ctx:
        response = post(client, body, **headers)
    sent = [q["sql"] for q in ctx.captured_queries]
    return response, [s for s in sent if s not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]


def test_one_api_intake_with_an_idempotency_key_stays_within_its_statement_budget(covered_client):
    response, statements = _statements(covered_client, ORDER, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    assert len(statements) <= MAX_STATEMENTS, "\n".join(s[:120] for s in statements)
    assert not any(s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) for s in statements)
    assert WorkOrder.objects.count() == 2


def test_one_api_intake_without_a_key_costs_one_statement_less(covered_client):
    response, statements = _statements(covered_client, ORDER)
    assert response.status_code == 201, response.content
    assert len(statements) <= MAX_STATEMENTS - 1, "\n".join(s[:120] for s in statements)


def test_the_order_number_is_taken_in_one_statement_before_the_intake_transaction(covered_client):
    response, statements = _statements(covered_client, ORDER)
    number = [s for s in statements if "ordernumbercounter" in s]
    assert len(number) == 1 and " RETURNING " in number[0]
    assert response.json()["number"].endswith("-000002")
    assert OrderNumberCounter.objects.get().last == 2
