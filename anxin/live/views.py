from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import ValidationFailed
from anxin.live.services import arrival_confirm
from anxin.workorders.selectors import workorder_get_for


@login_required
@require_POST
def arrive(request: AuthedRequest, number: str) -> HttpResponse:
    """The technician's "arrived" button: with the code the customer tells him at the door."""
    order = workorder_get_for(actor=request.user, number=number)
    try:
        arrival_confirm(order=order, code=request.POST.get("arrival_code", ""), actor=request.user)
    except ValidationFailed as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, gettext("已核验到场验证码，已登记到场。"))
    return redirect("dispatch:me")
