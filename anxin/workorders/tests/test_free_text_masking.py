"""Brand staff and the order list never see the customer's free text unmasked (issue #8, item 2)."""

from __future__ import annotations

import json

from django.test import Client

from anxin.core.models import RevealLog
from anxin.intake.tests.factories import signed_post
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file

PHONE_IN_TEXT = "13987654321"
ID_IN_TEXT = "110105199001011234"


def test_brand_staff_see_the_description_with_phone_and_id_numbers_masked(
    brand, category, brand_staff, api_client, token_for
):
    order = order_file(description=f"柜门坏了 回电{PHONE_IN_TEXT} 身份证{ID_IN_TEXT}")
    detail = api_client(token_for(brand_staff)).get(f"/api/v1/orders/{order.number}").json()
    api = json.dumps(detail, ensure_ascii=False)
    client = Client()
    client.force_login(brand_staff)
    page = client.get(f"/orders/{order.number}/").content.decode()
    for shown in (api, page):
        assert "柜门坏了" in shown
        assert PHONE_IN_TEXT not in shown and ID_IN_TEXT not in shown


def test_an_agent_can_reveal_the_description_and_it_is_audited(brand, category, agent):
    order = order_file(description=f"回电{PHONE_IN_TEXT}")
    client = Client()
    client.force_login(agent)
    response = client.post(f"/orders/{order.number}/reveal/description/")
    assert response.status_code == 200 and PHONE_IN_TEXT in response.content.decode()
    assert RevealLog.objects.filter(actor=agent, field="description", subject_id=order.number).exists()


def test_a_social_message_without_a_brand_keeps_its_text_out_of_the_brand_column(
    brand, category, agent, api_client, token_for, settings
):
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = "s"
    text = f"王小明 {PHONE_IN_TEXT} 北京市朝阳区建国路88号 乐创消毒柜不加热"
    body = json.dumps(
        {"platform": "wechat", "message_id": "m-1", "sender": {"id": "wx"}, "text": text}
    ).encode()
    signed_post(Client(), "/api/v1/intake/social", body, "s")
    order = WorkOrder.objects.get()
    assert order.brand == brand and order.category == category  # found by name in the text
    assert "王小明" not in order.brand_text + order.category_text
    listing = json.dumps(api_client(token_for(agent)).get("/api/v1/orders").json(), ensure_ascii=False)
    assert "王小明" not in listing and PHONE_IN_TEXT not in listing
