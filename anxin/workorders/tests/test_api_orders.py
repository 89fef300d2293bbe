import json

import pytest

from anxin.core.models import RevealLog
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file

ORDER = {
    "phone": "13800138000",
    "name": "张伟",
    "address": "北京市朝阳区建国路88号",
    "brand": "乐创",
    "category": "消毒柜",
    "description": "不加热",
}


def post(client, body, **headers):
    return client.post(
        "/api/v1/orders",
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def agent_client(agent, api_client, token_for, brand, category):
    return api_client(token_for(agent))


def test_it_files_an_order_and_answers_with_its_number(agent_client):
    response = post(agent_client, ORDER)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("WO") and body["created"] is True and body["status"] == "received"
    assert "/track/" in body["tracking_url"]
    assert WorkOrder.objects.get(number=body["number"]).channel == "api"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_order(agent_client):
    first = post(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-1")
    second = post(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["number"] == first.json()["number"] and second.json()["replayed"] is True
    assert WorkOrder.objects.count() == 1


def test_reusing_a_key_for_a_different_request_is_refused(agent_client):
    post(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-2")
    response = post(agent_client, {**ORDER, "description": "另一个问题"}, HTTP_IDEMPOTENCY_KEY="abc-2")
    assert response.status_code == 409
    assert response.json() == {
        "error": "idempotency_key_reused",
        "detail": response.json()["detail"],
        "field": "Idempotency-Key",
    }


def test_idempotency_keys_are_per_client(agent_client, dispatcher, api_client, token_for):
    post(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="same")
    other = post(
        api_client(token_for(dispatcher)), {**ORDER, "phone": "13911112222"}, HTTP_IDEMPOTENCY_KEY="same"
    )
    assert other.status_code == 201


def test_a_second_request_for_the_same_device_is_linked_not_duplicated(agent_client):
    first = post(agent_client, ORDER).json()
    second = post(agent_client, {**ORDER, "description": "还是不加热"})
    assert second.status_code == 200
    assert second.json()["linked"] is True and second.json()["receipt"] != first["receipt"]
    assert second.json()["number"] is None  # the open order is not the requester's to see
    assert WorkOrder.objects.count() == 1
    assert WorkOrder.objects.get().intake_requests.count() == 2


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ("{not json", 400, "invalid_json", None),
        ({**ORDER, "purchase_date": "yesterday"}, 422, "invalid", "purchase_date"),
        ({**ORDER, "phone": 13800138000}, 422, "invalid", "phone"),
        ({**ORDER, "colour": "red"}, 422, "unknown_field", "colour"),
        ({"name": "无联系方式"}, 422, "no_contact", "phone"),
        ({**ORDER, "phone": "12"}, 422, "invalid_phone", "phone"),
        ({**ORDER, "description": "x" * 5000}, 422, "invalid", "description"),
    ],
)
def test_bad_input_gets_a_4xx_naming_the_field(agent_client, body, status, code, field):
    response = post(agent_client, body)
    assert response.status_code == status, response.content
    assert response.json() == {"error": code, "detail": response.json()["detail"], "field": field}
    assert response.json()["detail"]
    assert WorkOrder.objects.count() == 0


def test_an_oversized_body_is_refused_before_parsing(agent_client, settings):
    response = post(agent_client, {**ORDER, "description": "长" * 40000})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_without_a_token_the_api_answers_401(api_client, brand):
    response = post(api_client(), ORDER)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert api_client("ax_wrong").get("/api/v1/orders").status_code == 401


def test_a_technician_token_cannot_file_orders(technician, api_client, token_for):
    response = post(api_client(token_for(technician.user)), ORDER)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_an_unknown_order_is_404(agent_client):
    response = agent_client.get("/api/v1/orders/WO20000101-000001")
    assert response.status_code == 404 and response.json()["field"] == "number"


def test_phones_are_masked_in_every_response(agent_client):
    number = post(agent_client, ORDER).json()["number"]
    listed = agent_client.get("/api/v1/orders").json()[0]
    detail = agent_client.get(f"/api/v1/orders/{number}").json()
    for body in (listed, detail):
        assert body["contact_phone"] == "138****8000"
        assert body["contact_name"] == "张*"
    assert "13800138000" not in agent_client.get(f"/api/v1/orders/{number}").content.decode()
    assert "建国路88号" not in detail["service_address"]


def test_a_reveal_shows_the_value_and_is_audited(agent_client, agent):
    number = post(agent_client, ORDER).json()["number"]
    response = agent_client.post(
        f"/api/v1/orders/{number}/reveal",
        data={"field": "contact_phone", "reason": "回拨客户"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["value"] == "13800138000"
    log = RevealLog.objects.get()
    assert (log.actor, log.subject_id, log.field, log.reason) == (agent, number, "contact_phone", "回拨客户")


def test_brand_staff_cannot_reveal(brand_staff, brand, category, api_client, token_for):
    order = order_file()
    client = api_client(token_for(brand_staff))
    response = client.post(
        f"/api/v1/orders/{order.number}/reveal",
        data={"field": "contact_phone"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert RevealLog.objects.count() == 0


def test_transitions_through_the_api_and_illegal_ones_get_409(
    agent_client, dispatcher, technician, api_client, token_for
):
    number = post(agent_client, ORDER).json()["number"]
    disp = api_client(token_for(dispatcher))
    illegal = disp.post(
        f"/api/v1/orders/{number}/transitions", data={"event": "complete"}, content_type="application/json"
    )
    assert (
        illegal.status_code == 409
        and illegal.json()["error"] == "illegal_transition"
        and illegal.json()["field"] == "event"
    )
    not_for_agents = agent_client.post(
        f"/api/v1/orders/{number}/transitions", data={"event": "complete"}, content_type="application/json"
    )
    assert not_for_agents.status_code == 403 and not_for_agents.json()["error"] == "forbidden_transition"
    assert (
        disp.post(
            f"/api/v1/orders/{number}/transitions", data={"event": "accept"}, content_type="application/json"
        ).status_code
        == 200
    )
    body = disp.post(
        f"/api/v1/orders/{number}/transitions",
        data={"event": "dispatch", "technician": "T1001"},
        content_type="application/json",
    ).json()
    assert body["status"] == "dispatched" and [e["event"] for e in body["timeline"]] == [
        "created",
        "accept",
        "dispatch",
    ]
    unknown_tech = disp.post(
        f"/api/v1/orders/{number}/transitions",
        data={"event": "dispatch", "technician": "T9999"},
        content_type="application/json",
    )
    assert unknown_tech.status_code == 404 and unknown_tech.json()["field"] == "technician"


def test_the_openapi_schema_and_docs_work_offline(agent_client):
    schema = agent_client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/orders" in schema.json()["paths"]
    docs = agent_client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in docs
    assert "cdn." not in docs and "unpkg" not in docs
