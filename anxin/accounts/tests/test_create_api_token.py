import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client


def test_it_prints_a_token_that_authenticates_with_the_role(brand):
    out = io.StringIO()
    call_command(
        "create_api_token",
        "--role",
        "brand_staff",
        "--name",
        "lechuang-app",
        "--brand",
        "lechuang",
        stdout=out,
    )
    token = out.getvalue().strip()
    assert token.startswith("ax_")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/orders")
    assert response.status_code == 200


def test_it_refuses_unknown_brands_and_duplicate_names(brand):
    with pytest.raises(CommandError, match="品牌代码"):
        call_command("create_api_token", "--role", "brand_staff", "--name", "x", "--brand", "nope")
    call_command("create_api_token", "--role", "agent", "--name", "dup", stdout=io.StringIO())
    with pytest.raises(CommandError, match="已存在"):
        call_command("create_api_token", "--role", "agent", "--name", "dup")


def test_only_the_hash_is_stored(db):
    from anxin.accounts.models import ApiToken

    out = io.StringIO()
    call_command("create_api_token", "--role", "agent", "--name", "partner", stdout=out)
    token = out.getvalue().strip()
    stored = ApiToken.objects.get(name="partner")
    assert stored.token_hash != token and token not in stored.token_hash
