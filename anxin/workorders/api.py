from __future__ import annotations

from typing import Any

from ninja import Query, Router

from anxin.accounts.auth import api_auth
from anxin.accounts.requests import AuthedRequest
from anxin.core.ratelimit import client_ip
from anxin.core.schemas import MAX_OFFSET, errors
from anxin.network.selectors import technician_get_by_employee_no
from anxin.workorders import presenters, selectors, services
from anxin.workorders.schemas import (
    ContactedIn,
    OrderCorrectIn,
    OrderDetailOut,
    OrderSummaryOut,
    RevealIn,
    RevealOut,
    TransitionIn,
)

# POST "" (filing an order) is intake's and POST /{number}/sla/pause|resume are sla's: those apps add
# them to this router (they sit above workorders), keeping the paths and operation ids.
router = Router(auth=api_auth, tags=["orders"])
ERRORS = errors(400, 401, 403, 404, 409, 413, 422, 429)


@router.get("", response={200: list[OrderSummaryOut], **ERRORS})
def order_list(
    request: AuthedRequest,
    status: str = "",
    attention: bool = False,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[dict[str, Any]]:
    orders = selectors.workorder_list_for(actor=request.auth, status=status, attention_only=attention)
    return [presenters.order_summary(o) for o in orders[offset : offset + limit]]


@router.get("/{number}", response={200: OrderDetailOut, **ERRORS})
def order_get(request: AuthedRequest, number: str) -> dict[str, Any]:
    order = selectors.workorder_get_for(actor=request.auth, number=number)
    return presenters.order_detail(order, list(selectors.workorder_timeline(order=order)))


@router.patch("/{number}", response={200: OrderDetailOut, **ERRORS})
def order_correct(request: AuthedRequest, number: str, payload: OrderCorrectIn) -> dict[str, Any]:
    """Correct contact, address, product, fault or appointment (fields left out stay as they are).

    ``version`` is the order's as last read: if the order changed since, 409 ``stale_version``.
    The change is one ``corrected`` timeline event; a flagged order is re-evaluated and dispatched.
    """
    order = selectors.workorder_get_for(actor=request.auth, number=number)
    given = payload.model_dump(exclude={"version"}, exclude_unset=True)
    values = services.workorder_values_from(order=order, given=given)
    services.workorder_correct(order=order, actor=request.auth, values=values, version=payload.version)
    return presenters.order_detail(order, list(selectors.workorder_timeline(order=order)))


@router.post("/{number}/transitions", response={200: OrderDetailOut, **ERRORS})
def order_transition(request: AuthedRequest, number: str, payload: TransitionIn) -> dict[str, Any]:
    """Fire one event of the state machine (accept, dispatch, technician_accept, …)."""
    order = selectors.workorder_get_for(actor=request.auth, number=number)
    technician = technician_get_by_employee_no(employee_no=payload.technician) if payload.technician else None
    services.workorder_transition(
        order=order, event=payload.event, actor=request.auth, note=payload.note, technician=technician
    )
    return presenters.order_detail(order, list(selectors.workorder_timeline(order=order)))


@router.post("/{number}/reveal", response={200: RevealOut, **ERRORS})
def order_reveal(request: AuthedRequest, number: str, payload: RevealIn) -> dict[str, Any]:
    """Show one unmasked contact field; every call is written to the audit log."""
    order = selectors.workorder_get_for(actor=request.auth, number=number)
    value = services.workorder_contact_reveal(
        order=order,
        actor=request.auth,
        field=payload.field,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return {"field": payload.field, "value": value}


@router.post("/{number}/contacted", response={200: OrderDetailOut, **ERRORS})
def order_contacted(request: AuthedRequest, number: str, payload: ContactedIn) -> dict[str, Any]:
    """Record that the customer was reached (keeps the "customer contacted" promise)."""
    order = selectors.workorder_get_for(actor=request.auth, number=number)
    services.workorder_customer_contacted(order=order, actor=request.auth, note=payload.note)
    return presenters.order_detail(order, list(selectors.workorder_timeline(order=order)))
