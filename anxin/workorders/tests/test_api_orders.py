from anxin.core.models import RevealLog
from anxin.workorders.tests.factories import ORDER, order_file, post_order


def test_an_unknown_order_is_404(agent_client):
    response = agent_client.get("/api/v1/orders/WO20000101-000001")
    assert response.status_code == 404 and response.json()["field"] == "number"


def test_phones_are_masked_in_every_response(agent_client):
    number = post_order(agent_client, ORDER).json()["number"]
    listed = agent_client.get("/api/v1/orders").json()[0]
    detail = agent_client.get(f"/api/v1/orders/{number}").json()
    for body in (listed, detail):
        assert body["contact_phone"] == "138****8000"
        assert body["contact_name"] == "张*"
    assert "13800138000" not in agent_client.get(f"/api/v1/orders/{number}").content.decode()
    assert "建国路88号" not in detail["service_address"]


def test_a_reveal_shows_the_value_and_is_audited(agent_client, agent):
    number = post_order(agent_client, ORDER).json()["number"]
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
    number = post_order(agent_client, ORDER).json()["number"]
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
