import re

import pytest
from django.test import Client

from anxin.notifications.models import Notification
from anxin.workorders.tests.factories import order_file


@pytest.fixture
def two_customers(brand, category):
    return order_file(phone="13800138000"), order_file(phone="13911112222")


def _code_sent_to(phone_tail: str) -> str:
    note = Notification.objects.filter(kind="otp").order_by("-created_at").first()
    assert note is not None and note.recipient.endswith(phone_tail)
    found = re.search(r"\d{6}", note.body)
    assert found is not None, "no code in the message"
    return found.group(0)


def test_a_customer_logs_in_with_a_code_and_sees_only_their_orders(two_customers):
    mine, theirs = two_customers
    client = Client()
    assert client.post("/accounts/customer-login/", {"phone": "138 0013 8000"}).status_code == 200
    code = _code_sent_to("8000")
    response = client.post("/accounts/customer-login/", {"phone": "13800138000", "code": code}, follow=True)
    page = response.content.decode()
    assert mine.number in page and theirs.number not in page
    assert "我的设备" in page and "乐创" in page
    assert client.get(f"/my/{mine.number}/").status_code == 200
    assert client.get(f"/my/{theirs.number}/").status_code == 404
    assert client.get("/orders/").status_code in (200, 302)


def test_a_wrong_code_is_refused_and_counted(two_customers):
    from anxin.accounts.models import OneTimeCode

    client = Client()
    client.post("/accounts/customer-login/", {"phone": "13800138000"})
    response = client.post(
        "/accounts/customer-login/",
        {"phone": "13800138000", "code": "000000" if _code_sent_to("8000") != "000000" else "111111"},
    )
    assert response.status_code == 422
    assert OneTimeCode.objects.get().attempts == 1
    assert "_auth_user_id" not in client.session


def test_a_code_works_once(two_customers):
    client = Client()
    client.post("/accounts/customer-login/", {"phone": "13800138000"})
    code = _code_sent_to("8000")
    client.post("/accounts/customer-login/", {"phone": "13800138000", "code": code})
    other = Client()
    assert other.post("/accounts/customer-login/", {"phone": "13800138000", "code": code}).status_code == 422


def test_unknown_phones_get_the_same_answer_but_no_code(db):
    response = Client().post("/accounts/customer-login/", {"phone": "13700000000"})
    assert response.status_code == 200
    assert not Notification.objects.filter(kind="otp").exists()


def test_code_requests_are_rate_limited(two_customers, settings):
    settings.ANXIN_OTP_RATE = "2/m"
    client = Client(REMOTE_ADDR="10.9.9.9")
    codes = [client.post("/accounts/customer-login/", {"phone": "13800138000"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
