from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError, NotFound
from anxin.core.ratelimit import client_ip, ratelimit_hit, ratelimit_phone
from anxin.dispatch.selectors import tracking_map
from anxin.intake.services import IncomingFile, RepairRequest, request_submit
from anxin.portal.forms import RepairRequestForm
from anxin.portal.verification import verify_identity
from anxin.workorders import selectors
from anxin.workorders.choices import Channel


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if request.user.role == "customer":
            return redirect("portal:my_orders")
        return redirect("workorders:list")
    from django.conf import settings

    return render(request, "portal/home.html", {"hotline": settings.ANXIN_HOTLINE})


def repair(request: HttpRequest) -> HttpResponse:
    """Public repair form (phone-friendly, rate-limited per client address)."""
    form = RepairRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from django.conf import settings

        try:
            ratelimit_hit(scope="repair-form", key=client_ip(request), rate=settings.ANXIN_PUBLIC_FORM_RATE)
            ratelimit_phone(scope="repair-form", phone=form.cleaned_data["phone"])
            result = request_submit(
                request=_repair_request(form), actor=request.user if request.user.is_authenticated else None
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            response = render(request, "portal/repair.html", {"form": form}, status=exc.status)
            if getattr(exc, "retry_after", None):
                response["Retry-After"] = str(exc.retry_after)
            return response
        if not result.reveals_order:
            # Joined an order someone filed before: say nothing about it; the tracking link
            # goes by SMS to that order's own phone.
            request.session["intake_receipt"] = result.receipt_number
            return redirect("portal:received")
        return redirect(f"/track/{result.order.number}/?t={result.order.tracking_token}&new=1")
    return render(request, "portal/repair.html", {"form": form}, status=422 if form.errors else 200)


def received(request: HttpRequest) -> HttpResponse:
    """The receipt for a request that was linked to an order already being handled."""
    receipt = request.session.get("intake_receipt")
    if not receipt:
        return redirect("portal:repair")
    return render(request, "portal/received.html", {"receipt": receipt})


def _repair_request(form: RepairRequestForm) -> RepairRequest:
    data = form.cleaned_data
    photo = data.get("photo")
    files = (
        [IncomingFile(filename=photo.name, content=photo.read(), content_type=photo.content_type or "")]
        if photo
        else []
    )
    return RepairRequest(
        channel=Channel.WEB,
        phone=data["phone"],
        name=data["name"],
        brand=data["brand"].name if data["brand"] else "",
        category=data["category"].name if data["category"] else "",
        address=data["address"],
        description=data["description"],
        preferred_time=data["preferred_time"],
        files=files,
    )


def track(request: HttpRequest, number: str) -> HttpResponse:
    """What the customer sees from the link in the acknowledgement: status, SLA, timeline."""
    try:
        order = selectors.workorder_get_by_tracking(number=number, token=request.GET.get("t", ""))
    except NotFound:
        return render(request, "portal/track_missing.html", {"number": number}, status=404)
    return render(
        request,
        "portal/track.html",
        {
            "order": order,
            "events": selectors.workorder_timeline(order=order, for_customer=True),
            "map": tracking_map(order=order),
            "new": request.GET.get("new"),
        },
    )


def verify(request: HttpRequest) -> HttpResponse:
    """Customers check a technician's employee number or a hotline number before trusting it."""
    query = request.GET.get("q", "")
    result = verify_identity(query=query) if query else None
    return render(request, "portal/verify.html", {"result": result, "query": query})


@login_required(login_url="customers:login")
def my_orders(request: AuthedRequest) -> HttpResponse:
    orders = selectors.workorder_list_for(actor=request.user)
    customer = getattr(request.user, "customer", None)
    devices = customer.devices.select_related("brand", "category", "product_model") if customer else []
    return render(
        request,
        "portal/my_orders.html",
        {"orders": orders, "devices": devices, "today": timezone.localdate()},
    )


@login_required(login_url="customers:login")
def my_order(request: AuthedRequest, number: str) -> HttpResponse:
    try:
        order = selectors.workorder_get_for(actor=request.user, number=number)
    except NotFound:
        return render(request, "portal/track_missing.html", {"number": number}, status=404)
    return render(
        request,
        "portal/track.html",
        {
            "order": order,
            "events": selectors.workorder_timeline(order=order, for_customer=True),
            "map": tracking_map(order=order),
        },
    )
