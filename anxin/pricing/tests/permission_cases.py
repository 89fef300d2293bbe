"""The permission walk's cases for pricing (see anxin/backoffice/tests/permission_walk.py).

Each case builds what the action needs as the platform admin (rolled back after each person), then
takes the action as the person walked: the service's own permission check decides."""

from __future__ import annotations

from anxin.accounts.models import User
from anxin.backoffice.tests.permission_walk import Case, World
from anxin.catalog.models import FaultCode
from anxin.pricing import services
from anxin.pricing.choices import AnswerMethod, LineKind
from anxin.pricing.imports import price_list_import
from anxin.pricing.models import Quote
from anxin.pricing.tests.factories import order_at_quote, price_list_make, signature_png
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder


def _diagnosed(w: World) -> WorkOrder:
    """The world's order, diagnosed, its device out of warranty, its brand with a price list."""
    category = w.product_model.category
    price_list_make(brand=w.brand, category=category)
    template = order_at_quote(brand=w.brand, category=category, phone="13800000077")
    WorkOrder.objects.filter(pk=w.order.pk).update(
        status=Status.DIAGNOSED, technician=w.technician, device=template.device, category=category
    )
    return WorkOrder.objects.select_related("technician__user", "customer", "brand", "device").get(
        pk=w.order.pk
    )


def _fault(w: World) -> FaultCode:
    return FaultCode.objects.get(brand=w.brand, code="E1")


def _quote(w: World, *, sent: bool = False) -> Quote:
    admin = w.people["admin"]
    quote = services.quote_start(order=_diagnosed(w), fault_code=_fault(w), actor=admin)
    if sent:
        services.quote_send(quote=quote, actor=admin)
    return Quote.objects.select_related("order").get(pk=quote.pk)


def _approved(w: World) -> WorkOrder:
    quote = _quote(w, sent=True)
    services.quote_answer(
        quote=quote, decision="approved", method=AnswerMethod.ON_SITE, revision=quote.revision,
        actor=w.technician.user, signature=signature_png(),
    )  # fmt: skip
    return WorkOrder.objects.get(pk=w.order.pk)


def _answer(w: World, user: User) -> None:
    quote = _quote(w, sent=True)
    method = AnswerMethod.ON_SITE if user.role == "technician" else AnswerMethod.ACCOUNT
    services.quote_answer(
        quote=quote, decision="approved", method=method, revision=quote.revision, actor=user,
        signature=signature_png(),
    )  # fmt: skip


def _override(w: World, user: User) -> None:
    line = _quote(w).lines.get(kind=LineKind.LABOUR)
    services.quote_line_override(line=line, unit_price="999", reason="walk", actor=user)


def _refund(w: World, user: User) -> None:
    payment = services.payment_record(order=_approved(w), actor=w.people["admin"], method="cash")
    services.refund_create(payment=payment, amount="1", reason="walk", actor=user)


def _import(w: World, user: User) -> None:
    csv = f"kind,category,amount\nvisit_fee,{w.product_model.category.code},60\n"
    from django.utils import timezone

    result = price_list_import(brand=w.brand, text=csv, effective_from=timezone.localdate(), actor=user)
    assert not result.errors, result.errors


CASES: dict[str, Case] = {
    "pricing.quote_build": Case(
        lambda w, u: services.quote_start(order=_diagnosed(w), fault_code=_fault(w), actor=u)
    ),
    "pricing.price_override": Case(_override),
    "pricing.quote_answer": Case(_answer),
    "pricing.payment_record": Case(
        lambda w, u: services.payment_record(order=_approved(w), actor=u, method="cash")
    ),
    "pricing.refund": Case(_refund),
    "pricing.price_list_edit": Case(_import),
}
