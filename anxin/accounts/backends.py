"""Password sign-in with lockouts: the staff login page and /admin/ both authenticate through here.

After ``ANXIN_LOGIN_FREE_ATTEMPTS`` wrong passwords for one user name, or from one client address,
further attempts are refused without checking the password for a delay that doubles on every
further failure. The first lockout of an account alerts its owner.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.services import login_lockout_alert
from anxin.core.ratelimit import client_ip, login_guard_check, login_guard_fail, login_guard_reset

LOCKOUT_ATTRIBUTE = "anxin_lockout"


def password_guard_keys(request: HttpRequest | None, username: str) -> dict[str, str]:
    keys = {"password-account": username.strip().lower()}
    if request is not None:
        keys["password-address"] = client_ip(request)
    return keys


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        keys = password_guard_keys(request, username)
        lockout = login_guard_check(keys=keys)
        if lockout is not None:
            if request is not None:
                setattr(request, LOCKOUT_ATTRIBUTE, lockout)
            # Stops Django trying other backends; authenticate() answers None and signals the failure.
            raise PermissionDenied(gettext("尝试次数过多，账户已暂时锁定"))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            failures = login_guard_fail(keys=keys)
            login_lockout_alert(username=username, failures=failures.get("password-account", 0))
            return None
        login_guard_reset(keys={"password-account": keys["password-account"]})
        return user
