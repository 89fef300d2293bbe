from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anxin.accounts.forms import CodeForm, PhoneForm
from anxin.accounts.services import otp_request, otp_verify
from anxin.core.exceptions import DomainError
from anxin.core.ratelimit import client_ip


def customer_login(request: HttpRequest) -> HttpResponse:
    """Customers sign in with their phone and a one-time code sent by SMS."""
    if request.method == "POST" and "code" in request.POST:
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                user = otp_verify(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
            except DomainError as exc:
                form.add_error("code", exc.detail)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("portal:my_orders")
        return render(request, "accounts/customer_login.html", {"code_form": form}, status=422)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp_request(phone=form.cleaned_data["phone"], client_key=client_ip(request))
        except DomainError as exc:
            form.add_error("phone", exc.detail)
            return render(request, "accounts/customer_login.html", {"phone_form": form}, status=exc.status)
        code_form = CodeForm(initial={"phone": form.cleaned_data["phone"]})
        return render(request, "accounts/customer_login.html", {"code_form": code_form, "sent": True})
    return render(request, "accounts/customer_login.html", {"phone_form": form})
