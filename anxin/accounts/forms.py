from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=30)
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def lockout_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "登录失败次数过多，已暂时锁定。请 %(minutes)d 分钟后再试。",
        "登录失败次数过多，已暂时锁定。请 %(minutes)d 分钟后再试。",
        minutes,
    ) % {"minutes": minutes}


class LockoutMessageMixin:
    """Say "locked, try again in N minutes" instead of "wrong password" while a lockout is in force."""

    request: HttpRequest | None = None

    def get_invalid_login_error(self) -> ValidationError:
        from anxin.accounts.backends import LOCKOUT_ATTRIBUTE

        lockout = getattr(self.request, LOCKOUT_ATTRIBUTE, None)
        if lockout is not None:
            return ValidationError(lockout_message(lockout.retry_after), code="locked_out")
        return ValidationError(gettext("用户名或密码不正确"), code="invalid_login")


class StaffLoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
