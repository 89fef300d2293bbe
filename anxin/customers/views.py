"""Customer sign-in: phone, then a one-time code by SMS (issue #8: codes lock after 5 guesses)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anxin.accounts.forms import CodeForm, PhoneForm
from anxin.core.exceptions import DomainError
from anxin.core.ratelimit import client_ip
from anxin.customers.services import otp_request, otp_verify

# After these the customer needs a new code: the page offers to send one.
NEW_CODE_NEEDED = {"code_locked", "code_expired"}


def customer_login(request: HttpRequest) -> HttpResponse:
    """Customers sign in with their phone and a one-time code sent by SMS."""
    if request.method == "POST" and "code" in request.POST:
        form: forms.Form = CodeForm(request.POST)
        status, context = 422, dict[str, object](code_form=form)
        if form.is_valid():
            try:
                user = otp_verify(
                    phone=form.cleaned_data["phone"],
                    code=form.cleaned_data["code"],
                    client_key=client_ip(request),
                )
            except DomainError as exc:
                form.add_error("code", exc.detail)
                status = exc.status
                context["new_code"] = exc.code in NEW_CODE_NEEDED
                response = render(request, "customers/login.html", context, status=status)
                if getattr(exc, "retry_after", None):
                    response["Retry-After"] = str(exc.retry_after)
                return response
            login(request, user, backend="anxin.accounts.backends.ThrottledModelBackend")
            return redirect("portal:my_orders")
        return render(request, "customers/login.html", context, status=status)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp_request(phone=form.cleaned_data["phone"], client_key=client_ip(request))
        except DomainError as exc:
            form.add_error("phone", exc.detail)
            response = render(request, "customers/login.html", {"phone_form": form}, status=exc.status)
            if getattr(exc, "retry_after", None):
                response["Retry-After"] = str(exc.retry_after)
            return response
        code_form = CodeForm(initial={"phone": form.cleaned_data["phone"]})
        return render(request, "customers/login.html", {"code_form": code_form, "sent": True})
    return render(request, "customers/login.html", {"phone_form": form})
