"""Login codes cannot be brute-forced: few codes per phone, few guesses per code, lockouts that grow."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from anxin.core.exceptions import DomainError, RateLimited
from anxin.customers.services import otp_request, otp_verify
from anxin.notifications.models import Notification
from anxin.workorders.tests.factories import order_file

PHONE = "13800138000"


@pytest.fixture
def customer(brand, category):
    return order_file(phone=PHONE)


@pytest.fixture
def clock(monkeypatch):
    now = [1_700_000_000.0]
    monkeypatch.setattr("anxin.core.ratelimit.time.time", lambda: now[0])
    return now


def _last_code() -> str:
    note = Notification.objects.filter(kind="otp").order_by("-created_at", "-pk").first()
    assert note is not None
    found = re.search(r"\d{6}", note.body)
    assert found is not None, "no code in the message"
    return found.group(0)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_after_five_wrong_guesses_the_code_is_locked_and_a_new_one_is_offered(customer, clock):
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/customer-login/", {"phone": PHONE})
    code = _last_code()
    for _ in range(5):
        response = client.post("/accounts/customer-login/", {"phone": PHONE, "code": _wrong(code)})
    page = response.content.decode()
    assert "已锁定" in page and "重新获取验证码" in page
    clock[0] += 3600  # even after the lockout delay, this code stays dead
    right = client.post("/accounts/customer-login/", {"phone": PHONE, "code": code})
    assert right.status_code == 422 and "已锁定" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_owner_is_told_by_sms_when_their_code_is_locked(customer, clock):
    otp_request(phone=PHONE, client_key="203.0.113.7")
    code = _last_code()
    for _ in range(5):
        with pytest.raises(DomainError):
            otp_verify(phone=PHONE, code=_wrong(code), client_key="203.0.113.7")
    alert = Notification.objects.get(kind="security")
    assert alert.recipient.endswith("8000") and "锁定" in alert.body


def test_wrong_codes_lock_the_phone_out_across_new_codes(customer, clock):
    otp_request(phone=PHONE, client_key="203.0.113.7")
    for _ in range(5):
        with pytest.raises(DomainError):
            otp_verify(phone=PHONE, code=_wrong(_last_code()), client_key="203.0.113.7")
    clock[0] += 30
    otp_request(phone=PHONE, client_key="198.51.100.1")
    with pytest.raises(RateLimited) as caught:  # a fresh code from a fresh address: still locked
        otp_verify(phone=PHONE, code=_last_code(), client_key="198.51.100.1")
    assert caught.value.retry_after == 30 and "锁定" in caught.value.detail


def test_a_phone_gets_at_most_five_codes_an_hour_and_ten_a_day(customer, clock):
    clock[0] = 1_700_006_400.0  # midnight UTC: the 2.5 hours below stay in one day
    sent = 0
    for i in range(30):
        try:
            otp_request(phone=PHONE, client_key=f"198.51.100.{i}")
            sent += 1
        except RateLimited:
            pass
        clock[0] += 5 * 60
    assert sent == 10  # 30 requests over 2.5 hours from 30 addresses


def test_a_day_of_guessing_checks_fewer_than_fifty_codes(customer, clock):
    """Before: 5 codes a minute × 5 guesses ≈ 36,000 guesses a day per phone."""
    from django.db.models import Sum

    from anxin.accounts.models import OneTimeCode

    for minute in range(0, 24 * 60, 2):
        clock[0] = 1_700_006_400.0 + minute * 60
        address = f"10.{minute // 256}.{minute % 256}.1"  # a botnet: a new address every time
        try:
            otp_request(phone=PHONE, client_key=address)
        except RateLimited:
            continue
        for _ in range(5):
            try:
                otp_verify(phone=PHONE, code="000000", client_key=address)
            except RateLimited:
                break
            except DomainError:
                pass
    compared = OneTimeCode.objects.aggregate(n=Sum("attempts"))["n"]
    assert 0 < compared < 50


def test_the_page_answers_429_with_retry_after_while_locked_out(customer, clock):
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/customer-login/", {"phone": PHONE})
    for _ in range(5):
        client.post("/accounts/customer-login/", {"phone": PHONE, "code": _wrong(_last_code())})
    response = client.post("/accounts/customer-login/", {"phone": PHONE, "code": _last_code()})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "已暂时锁定" in response.content.decode()
