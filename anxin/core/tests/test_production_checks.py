"""Production refuses to start with demo secrets, generated keys, demo logins or deploy warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from anxin.core.checks import production_guard

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
PRODUCTION_ENV = {
    "ANXIN_ENV": "production",
    "SECRET_KEY": "k" * 20 + "q8#v!zR2@pL5^wX9&mB3*nD7(fH1)jK4-sT6=",
    "ALLOWED_HOSTS": "anxin.example.com",
    "ANXIN_SOCIAL_WEBHOOK_SECRET": "s3cr3t-social-0123456789abcdef",
    "ANXIN_MAIL_WEBHOOK_SECRET": "s3cr3t-mail-0123456789abcdef",
    "ANXIN_ENCRYPTION_KEYS": "k1:" + GOOD_KEY,
    "ANXIN_ACTIVE_KEY_ID": "k1",
    "ANXIN_BLIND_INDEX_KEY": GOOD_KEY,
}


@pytest.fixture
def production(settings, monkeypatch):
    """Settings as a correctly configured production server would have them."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set by the browser tests
    settings.ANXIN_ENV = "production"
    settings.DEBUG = False
    settings.ANXIN_SECRET_KEY_GENERATED = False
    settings.SECRET_KEY = PRODUCTION_ENV["SECRET_KEY"]
    settings.ALLOWED_HOSTS = ["anxin.example.com"]
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = PRODUCTION_ENV["ANXIN_SOCIAL_WEBHOOK_SECRET"]
    settings.ANXIN_MAIL_WEBHOOK_SECRET = PRODUCTION_ENV["ANXIN_MAIL_WEBHOOK_SECRET"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return settings


def _error_ids(databases: list[str] | None = None) -> set[str]:
    found = checks.run_checks(include_deployment_checks=True, databases=databases)
    return {m.id for m in found if m.level >= checks.ERROR and m.id is not None}


def test_a_configured_production_server_passes(production, db):
    assert _error_ids(["default"]) == set()
    production_guard()


@pytest.mark.parametrize("name", ["ANXIN_SOCIAL_WEBHOOK_SECRET", "ANXIN_MAIL_WEBHOOK_SECRET"])
@pytest.mark.parametrize("value", ["demo-social-secret", "demo-mail-secret", ""])
def test_production_refuses_demo_or_missing_webhook_secrets(production, name, value):
    setattr(production, name, value)
    assert "anxin.E003" in _error_ids()
    with pytest.raises(ImproperlyConfigured, match="anxin.E003"):
        production_guard(databases=())


def test_production_refuses_a_generated_secret_key(production):
    production.ANXIN_SECRET_KEY_GENERATED = True
    assert "anxin.E002" in _error_ids()


def test_production_refuses_generated_encryption_keys(production):
    production.ANXIN_BLIND_INDEX_KEY = ""
    assert "anxin.E004" in _error_ids()


@pytest.mark.parametrize(
    ("setting", "value", "warning"),
    [
        ("SESSION_COOKIE_SECURE", False, "security.W012"),
        ("CSRF_COOKIE_SECURE", False, "security.W016"),
        ("SECURE_SSL_REDIRECT", False, "security.W008"),
        ("SECURE_HSTS_SECONDS", 0, "security.W004"),
    ],
)
def test_production_turns_deploy_warnings_into_errors(production, setting, value, warning):
    setattr(production, setting, value)
    messages = [m for m in checks.run_checks() if m.id == "anxin.E005"]
    assert any(warning in m.msg for m in messages)


def test_a_deploy_warning_can_be_silenced_on_purpose(production):
    production.SECURE_HSTS_PRELOAD = False
    production.SILENCED_SYSTEM_CHECKS = ["security.W021"]
    assert "anxin.E005" not in _error_ids()


def test_production_refuses_demo_logins(production, db):
    from anxin.accounts.models import User

    User.objects.create_user(username="admin", password="anxin-demo")
    assert "anxin.E006" in _error_ids(["default"])


def test_outside_production_the_checks_stay_quiet(settings):
    settings.ANXIN_ENV = "development"
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = "demo-social-secret"
    settings.ANXIN_SECRET_KEY_GENERATED = True
    assert not {i for i in _error_ids() if i.startswith("anxin.")}


# -- the real start-up: environment → settings → refusal ---------------------------------------


def _start(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ANXIN_", "SECURE_", "DEBUG"))}
    base.pop("SECRET_KEY", None)
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; a deploy error
    base.pop("DATABASE_URL", None)
    base.pop("REDIS_URL", None)
    base.update({"DJANGO_SETTINGS_MODULE": "anxin.settings", "ANXIN_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_the_web_server_refuses_to_start_in_production_with_demo_defaults(tmp_path):
    result = _start(tmp_path, "import anxin.wsgi", ANXIN_ENV="production")
    assert result.returncode != 0
    assert "refuses to start in production" in result.stderr
    for problem in ("anxin.E002", "anxin.E003", "anxin.E004"):
        assert problem in result.stderr


def test_the_worker_and_commands_refuse_to_start_in_production(tmp_path):
    code = "import sys; from django.core.management import execute_from_command_line as r; r(sys.argv)"
    result = _start(tmp_path, code.replace("sys.argv", "['manage.py', 'run_huey']"), ANXIN_ENV="production")
    assert result.returncode != 0
    assert "anxin.E003" in result.stderr


def test_the_web_server_starts_in_production_when_configured(tmp_path):
    result = _start(tmp_path, "import anxin.wsgi; print('started')", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_defaults_to_secure_transport_and_no_demo_secrets(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0,"
        " repr(s.ANXIN_SOCIAL_WEBHOOK_SECRET), repr(s.ANXIN_MAIL_WEBHOOK_SECRET))"
    )
    result = _start(tmp_path, code, ANXIN_ENV="production", DEBUG="true")
    assert result.stdout.split() == ["True", "True", "True", "True", "''", "''"], result.stderr


def test_demo_secrets_exist_only_with_debug_on(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(repr(s.ANXIN_SOCIAL_WEBHOOK_SECRET))"
    assert _start(tmp_path, code).stdout.strip() == "''"
    assert _start(tmp_path, code, DEBUG="true").stdout.strip() == "'demo-social-secret'"
