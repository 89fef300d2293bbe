"""POST /api/v1/orders: apps and partners file repair requests (intake's API channel)."""

import pytest

from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import ORDER, post_order


def test_it_files_an_order_and_answers_with_its_number(agent_client):
    response = post_order(agent_client, ORDER)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("WO") and body["created"] is True and body["status"] == "received"
    assert "/track/" in body["tracking_url"]
    assert WorkOrder.objects.get(number=body["number"]).channel == "api"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_order(agent_client):
    first = post_order(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-1")
    second = post_order(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["number"] == first.json()["number"] and second.json()["replayed"] is True
    assert WorkOrder.objects.count() == 1


def test_reusing_a_key_for_a_different_request_is_refused(agent_client):
    post_order(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-2")
    response = post_order(agent_client, {**ORDER, "description": "另一个问题"}, HTTP_IDEMPOTENCY_KEY="abc-2")
    assert response.status_code == 409
    assert response.json() == {
        "error": "idempotency_key_reused",
        "detail": response.json()["detail"],
        "field": "Idempotency-Key",
    }


def test_idempotency_keys_are_per_client(agent_client, dispatcher, api_client, token_for):
    post_order(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="same")
    other = post_order(
        api_client(token_for(dispatcher)), {**ORDER, "phone": "13911112222"}, HTTP_IDEMPOTENCY_KEY="same"
    )
    assert other.status_code == 201


def test_a_second_request_for_the_same_device_is_linked_not_duplicated(agent_client):
    first = post_order(agent_client, ORDER).json()
    second = post_order(agent_client, {**ORDER, "description": "还是不加热"})
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
    response = post_order(agent_client, body)
    assert response.status_code == status, response.content
    assert response.json() == {"error": code, "detail": response.json()["detail"], "field": field}
    assert response.json()["detail"]
    assert WorkOrder.objects.count() == 0


def test_an_oversized_body_is_refused_before_parsing(agent_client, settings):
    response = post_order(agent_client, {**ORDER, "description": "长" * 40000})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_without_a_token_the_api_answers_401(api_client, brand):
    response = post_order(api_client(), ORDER)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert api_client("ax_wrong").get("/api/v1/orders").status_code == 401


def test_a_technician_token_cannot_file_orders(technician, api_client, token_for):
    response = post_order(api_client(token_for(technician.user)), ORDER)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_a_retry_leaves_no_trace_of_its_second_run(agent_client):
    from anxin.intake.models import IntakeRequest
    from anxin.notifications.models import Job
    from anxin.workorders.models import WorkOrderEvent

    post_order(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-3")
    jobs = Job.objects.count()
    replay = post_order(agent_client, ORDER, HTTP_IDEMPOTENCY_KEY="abc-3")
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert IntakeRequest.objects.count() == 1 and Job.objects.count() == jobs
    assert not WorkOrderEvent.objects.filter(event="linked_request").exists()
