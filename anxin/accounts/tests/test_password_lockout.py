"""Staff passwords (the login page and /admin/) lock out per account and per address, growing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from anxin.accounts.models import User


@pytest.fixture
def clock(monkeypatch):
    now = [1_700_000_000.0]
    monkeypatch.setattr("anxin.core.ratelimit.time.time", lambda: now[0])
    return now


@pytest.fixture
def staff(db):
    return User.objects.create_user(
        username="admin",
        password="right-password",
        role="admin",
        is_staff=True,
        is_superuser=True,
        email="admin@anxin.example",
    )


def _login(client: Client, password: str, *, path: str = "/accounts/login/", username: str = "admin"):
    return client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_hundred_wrong_passwords_do_not_let_the_right_one_in(staff, clock, path):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(100):
        _login(client, "wrong", path=path)
    response = _login(client, "right-password", path=path)
    assert "_auth_user_id" not in client.session
    assert "已暂时锁定" in response.content.decode()


def test_after_five_wrong_passwords_the_account_is_locked_with_a_clear_message(staff, clock):
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [_login(client, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 200]
    # From another address, with the right password: the account itself is locked.
    locked = _login(Client(REMOTE_ADDR="198.51.100.1"), "right-password")
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 60
    assert "已暂时锁定" in locked.content.decode() and "1 分钟" in locked.content.decode()


def test_the_delay_doubles_with_each_further_failure_and_then_the_right_password_works(staff, clock):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _login(client, "wrong")
    clock[0] += 61
    assert _login(client, "wrong").status_code == 200  # the 6th failure…
    assert int(_login(client, "right-password")["Retry-After"]) == 120  # …locks for twice as long
    clock[0] += 121
    assert _login(client, "right-password").status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_one_address_guessing_many_accounts_is_locked_out(staff, clock):
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for i in range(5):
        _login(attacker, "guess", username=f"user{i}")
    assert _login(attacker, "right-password").status_code == 429
    assert _login(Client(REMOTE_ADDR="198.51.100.1"), "right-password").status_code == 302


def test_the_owner_is_alerted_once_when_the_account_locks(staff, clock):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(7):
        _login(client, "wrong")
        clock[0] += 3600
    alerts = [m for m in mail.outbox if "admin@anxin.example" in m.to]
    assert len(alerts) == 1 and "锁定" in alerts[0].subject


def test_a_successful_login_clears_the_account_failures(staff, clock):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        _login(client, "wrong")
    assert _login(client, "right-password").status_code == 302
    client.logout()
    for _ in range(4):
        _login(Client(REMOTE_ADDR="198.51.100.1"), "wrong")
    assert _login(Client(REMOTE_ADDR="198.51.100.2"), "right-password").status_code == 302
