from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import DomainError, NotFound, error_headers
from anxin.core.ratelimit import client_ip, ratelimit_hit, ratelimit_phone
from anxin.customers.services import customer_messages_set
from anxin.dispatch.selectors import tracking_map
from anxin.evidence.selectors import claim_list_for, claim_list_for_order
from anxin.intake.acknowledgements import confirmation_waits_until
from anxin.intake.services import IncomingFile, RepairRequest, request_submit
from anxin.portal.forms import RepairRequestForm
from anxin.portal.verification import verify_identity
from anxin.trust.forms import FakeReportForm
from anxin.trust.services import badge_token_check, report_submit
from anxin.workorders import selectors
from anxin.workorders.choices import Channel
from anxin.workorders.models import WorkOrder
from anxin.workorders.presenters import order_link_path
from anxin.workorders.services import CUSTOMER_CANCELLABLE, workorder_cancel_by_customer


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if request.user.role == "customer":
            return redirect("portal:my_orders")
        return redirect("workorders:list")
    return render(request, "portal/home.html", {"hotline": settings.ANXIN_HOTLINE})


def repair(request: HttpRequest) -> HttpResponse:
    """Public repair form (phone-friendly, rate-limited per client address)."""
    form = RepairRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
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


def _order_by_link(request: HttpRequest, number: str) -> WorkOrder:
    token = request.POST.get("t") or request.GET.get("t", "")
    return selectors.workorder_get_by_tracking(number=number, token=token)


def _order_page(
    request: HttpRequest, order: WorkOrder, *, claims: object = (), status: int = 200
) -> HttpResponse:
    """The customer's order page: what they reported, milestones, cancel, their claims, messages."""
    return render(
        request,
        "portal/track.html",
        {
            "order": order,
            "events": selectors.workorder_timeline(order=order, for_customer=True),
            "photos": selectors.workorder_photos(order=order),
            "map": tracking_map(order=order),
            "new": request.GET.get("new"),
            # Only on the page right after filing: the promise the receipt SMS also makes.
            "waits_until": confirmation_waits_until(order) if request.GET.get("new") == "1" else None,
            "cancellable": order.status in CUSTOMER_CANCELLABLE,
            "claims": claims,
            "languages": settings.LANGUAGES,
        },
        status=status,
    )


def track(request: HttpRequest, number: str) -> HttpResponse:
    """What the customer sees from the link in our messages (the token in it is the key)."""
    try:
        order = _order_by_link(request, number)
    except NotFound:
        return render(request, "portal/track_missing.html", {"number": number}, status=404)
    return _order_page(request, order, claims=claim_list_for_order(order=order))


@require_POST
def track_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """The customer cancels before the technician sets off (signed in, or through their link)."""
    try:
        order = _order_by_link(request, number)
    except NotFound:
        return render(request, "portal/track_missing.html", {"number": number}, status=404)
    signed_in = request.user.is_authenticated and request.user.role == "customer"
    try:
        workorder_cancel_by_customer(
            order=order,
            actor=request.user if signed_in else None,  # type: ignore[arg-type]  # narrowed by signed_in
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, gettext("工单已取消。"))
    return redirect(order_link_path(order))


@require_POST
def track_messages(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's message settings: language, and opting out of non-essential messages."""
    try:
        order = _order_by_link(request, number)
    except NotFound:
        return render(request, "portal/track_missing.html", {"number": number}, status=404)
    try:
        customer_messages_set(
            customer=order.customer,
            language=request.POST.get("language", order.customer.language),
            opted_out=request.POST.get("opted_out") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, gettext("短信设置已保存。"))
    return redirect(f"{order_link_path(order)}#messages")


# A customer who opens /verify/ from their order page (?order=N) and then scans the badge with the
# camera lands on /verify/?t=… without the number: the session remembers it for the visit.
VERIFY_ORDER_SESSION_KEY = "verify_order"
VERIFY_ORDER_REMEMBER_S = 3 * 3600


def _verify_expected_order(request: HttpRequest) -> str:
    number = request.GET.get("order", "").strip().upper()[:20]
    if number:
        request.session[VERIFY_ORDER_SESSION_KEY] = {"number": number, "at": time.time()}
        return number
    saved = request.session.get(VERIFY_ORDER_SESSION_KEY)
    if isinstance(saved, dict) and time.time() - float(saved.get("at", 0)) < VERIFY_ORDER_REMEMBER_S:
        return str(saved.get("number", ""))
    return ""


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Customers check a badge QR code (``?t=``), an employee number, a phone number or a web address
    before trusting it, and report a suspected fake number or address (POST)."""
    if request.method == "POST":
        return _verify_report(request)
    token, query = request.GET.get("t", ""), request.GET.get("q", "")
    result = verify_identity(query=query) if query else None
    initial = {"kind": result.report_kind, "value": query} if result and result.reportable else {}
    expected_order = _verify_expected_order(request)
    context = {
        "result": result,
        "query": query,
        "token": token,
        "badge": badge_token_check(token=token, expected_order=expected_order) if token else None,
        "expected_order": expected_order,
        "form": FakeReportForm(initial=initial),
        "reported": request.GET.get("reported") == "1",
    }
    return render(request, "portal/verify.html", context)


def _verify_report(request: HttpRequest) -> HttpResponse:
    """A fake-channel report: rate-limited per client address; every refusal names its field."""
    form = FakeReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ratelimit_hit(scope="fake-report", key=client_ip(request), rate=settings.ANXIN_FAKE_REPORT_RATE)
            reporter = request.user if request.user.is_authenticated else None
            report_submit(data=form.report_input(), reporter=reporter)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            response = render(
                request, "portal/verify.html", {"form": form, "report_open": True}, status=exc.status
            )
            for header, value in error_headers(exc).items():
                response[header] = value
            return response
        return redirect(f"{reverse('portal:verify')}?reported=1#report-done")
    return render(request, "portal/verify.html", {"form": form, "report_open": True}, status=422)


@login_required(login_url="customers:login")
def my_orders(request: AuthedRequest) -> HttpResponse:
    orders = selectors.workorder_list_for(actor=request.user)
    customer = getattr(request.user, "customer", None)
    devices = customer.devices.select_related("brand", "category", "product_model") if customer else []
    return render(
        request,
        "portal/my_orders.html",
        {
            "orders": orders,
            "devices": devices,
            "claims": claim_list_for(actor=request.user),
            "today": timezone.localdate(),
        },
    )


@login_required(login_url="customers:login")
def my_order(request: AuthedRequest, number: str) -> HttpResponse:
    try:
        order = selectors.workorder_get_for(actor=request.user, number=number)
    except NotFound:
        return render(request, "portal/track_missing.html", {"number": number}, status=404)
    return _order_page(request, order, claims=claim_list_for(actor=request.user).filter(work_order=order))
