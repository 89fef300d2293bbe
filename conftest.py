"""Role fixtures shared by every app's tests: one user per role, plus an outsider."""

from __future__ import annotations

import os

import pytest

from anxin.accounts.choices import Role


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded files in a temp folder; rate-limit counters reset between tests."""
    from django.core.cache import cache
    from django.utils import translation

    from anxin.accounts.auth import token_cache_clear
    from anxin.catalog.selectors import catalog_cache_clear
    from anxin.intake.services import coverage_cache_clear
    from anxin.sla.services import sla_policy_cache_clear

    settings.MEDIA_ROOT = tmp_path / "media"
    # A request in English leaves English active in the thread (LocaleMiddleware never resets it).
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    catalog_cache_clear()
    token_cache_clear()
    coverage_cache_clear()
    sla_policy_cache_clear()


@pytest.fixture
def brand(db):
    from anxin.catalog.models import Brand

    return Brand.objects.create(code="lechuang", name="乐创", hotline="400-881-6088", hotline_24h=True)


@pytest.fixture
def other_brand(db):
    from anxin.catalog.models import Brand

    return Brand.objects.create(code="changerte", name="昌尔特")


@pytest.fixture
def category(db):
    from anxin.catalog.models import ProductCategory

    return ProductCategory.objects.create(code="disinfection-cabinet", name="消毒柜")


@pytest.fixture
def product_model(brand, category):
    from anxin.catalog.models import ProductModel

    return ProductModel.objects.create(
        brand=brand, category=category, code="ZTP-108A", name="嵌入式消毒柜", warranty_months=24
    )


def _user(username: str, role: str):
    from anxin.accounts.models import User

    return User.objects.create_user(username=username, password="pw-" + username, role=role)


@pytest.fixture
def agent(db):
    return _user("agent", Role.AGENT)


@pytest.fixture
def dispatcher(db):
    return _user("dispatcher", Role.DISPATCHER)


@pytest.fixture
def admin_user(db):
    return _user("admin1", Role.ADMIN)


@pytest.fixture
def brand_staff(brand):
    user = _user("brandstaff", Role.BRAND_STAFF)
    user.brands.add(brand)
    return user


@pytest.fixture
def service_point(db):
    from anxin.network.models import ServicePoint

    return ServicePoint.objects.create(
        name="北京朝阳网点", county_code="110105", latitude=39.9, longitude=116.47
    )


@pytest.fixture
def technician(service_point, brand, category):
    from anxin.network.models import Technician

    user = _user("tech", Role.TECHNICIAN)
    tech = Technician.objects.create(user=user, service_point=service_point, employee_no="T1001")
    tech.brands.add(brand)
    tech.categories.add(category)
    return tech


@pytest.fixture
def other_technician(service_point, brand, category):
    from anxin.network.models import Technician

    user = _user("tech2", Role.TECHNICIAN)
    return Technician.objects.create(user=user, service_point=service_point, employee_no="T1002")


@pytest.fixture
def outsider(db):
    """Signed in, but with no role that grants access to anything (a deactivated role)."""
    return _user("outsider", "none")


@pytest.fixture
def api_client():
    from django.test import Client

    def make(token: str | None = None) -> Client:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return Client(**headers)

    return make


@pytest.fixture
def agent_client(agent, api_client, token_for, brand, category):
    """The hotline agent's API client, with the brand and category that order bodies name."""
    return api_client(token_for(agent))


@pytest.fixture
def token_for():
    """Create an API token for an existing user and return it."""
    from anxin.accounts.models import ApiToken

    def make(user) -> str:
        import secrets

        token = "ax_" + secrets.token_urlsafe(24)
        ApiToken.objects.create(
            name=f"t-{user.username}-{token[-6:]}",
            user=user,
            token_hash=ApiToken.hash_token(token),
            prefix=token[:8],
        )
        return token

    return make


def pytest_terminal_summary(terminalreporter):
    """Say once, at the end, why the browser tests were skipped (here: xdist's controller loads only this file)."""
    from tests.browser.conftest import MISSING, _chromium_missing

    if _chromium_missing() and not os.environ.get("ANXIN_REQUIRE_BROWSER"):
        terminalreporter.write_line(MISSING, yellow=True, bold=True)
