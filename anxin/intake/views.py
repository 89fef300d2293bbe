from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError
from anxin.intake.forms import HotlineOrderForm
from anxin.intake.permissions import HOTLINE_CONSOLE
from anxin.intake.selectors import caller_history_for
from anxin.intake.services import RepairRequest, request_submit
from anxin.workorders.choices import Channel


@login_required
def console(request: AuthedRequest) -> HttpResponse:
    """Hotline agent console: type the caller's phone, see their history, file the order."""
    require(request.user, HOTLINE_CONSOLE)
    form = HotlineOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        repair = RepairRequest(
            channel=Channel.HOTLINE,
            **{k: v for k, v in data.items() if k not in {"brand", "category"}},
            brand=data["brand"].name if data["brand"] else "",
            category=data["category"].name if data["category"] else "",
        )
        try:
            result = request_submit(request=repair, actor=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            if not result.reveals_order:
                # The caller is not necessarily the person who filed the open order: answer
                # with this request's receipt; staff find the link on the order's timeline.
                messages.success(
                    request,
                    _("已登记受理单 %(receipt)s，已转给处理中的同类报修一并处理")
                    % {"receipt": result.receipt_number},
                )
                return redirect("intake:console")
            messages.success(request, _("已创建工单 %(number)s") % {"number": result.order.number})
            return redirect("workorders:detail", number=result.order.number)
    status = 422 if form.errors else 200
    return render(request, "intake/console.html", {"form": form}, status=status)


@login_required
def caller_lookup(request: AuthedRequest) -> HttpResponse:
    """htmx: the caller's earlier orders and devices, as the agent types the number."""
    require(request.user, HOTLINE_CONSOLE)
    history = caller_history_for(actor=request.user, phone=request.GET.get("phone", ""))
    return render(request, "intake/console.html#history", {"history": history})
