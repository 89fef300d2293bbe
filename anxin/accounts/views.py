from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse

from anxin.accounts.backends import LOCKOUT_ATTRIBUTE
from anxin.accounts.forms import StaffLoginForm


class StaffLoginView(auth_views.LoginView):
    """Staff sign-in; while the account or address is locked out, a 429 with Retry-After."""

    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        lockout = getattr(self.request, LOCKOUT_ATTRIBUTE, None)
        if lockout is not None:
            response.status_code = 429
            response["Retry-After"] = str(lockout.retry_after)
        return response
