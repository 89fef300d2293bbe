from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router

from anxin.accounts.auth import api_auth
from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import NotFound
from anxin.sla import selectors, services
from anxin.sla.permissions import REPORT
from anxin.sla.schemas import AlertOut, BreachReportOut, PauseIn
from anxin.sla.services import sla_pause, sla_resume
from anxin.workorders.api import ERRORS as ORDER_ERRORS
from anxin.workorders.api import router as orders_router
from anxin.workorders.presenters import order_detail
from anxin.workorders.schemas import ErrorOut, OrderDetailOut
from anxin.workorders.selectors import workorder_get_for, workorder_timeline

router = Router(auth=api_auth, tags=["sla"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/breaches", response={200: BreachReportOut, **ERRORS})
def breach_report(request: AuthedRequest, days: int = 7) -> dict[str, Any]:
    """Kept and broken promises per brand for the last `days` days (orders you may see)."""
    require(request.auth, REPORT)
    until = timezone.now()
    since = until - dt.timedelta(days=max(1, min(days, 366)))
    rows, breaches = selectors.sla_breach_report(actor=request.auth, since=since, until=until)
    return {
        "since": since,
        "until": until,
        "rows": [{**row.__dict__, "breach_rate": round(row.breach_rate, 4)} for row in rows],
        "breaches": [
            {
                "number": c.order.number,
                "kind": c.kind,
                "due_at": c.due_at,
                "breached_at": c.breached_at,
                "finished_at": c.finished_at,
            }
            for c in breaches[:500]
        ],
    }


@router.get("/alerts", response={200: list[AlertOut], **ERRORS})
def alert_list(request: AuthedRequest, open_only: bool = True) -> list[dict[str, Any]]:
    alerts = selectors.sla_alerts_for(actor=request.auth, open_only=open_only)[:200]
    return [
        {
            "id": a.id,
            "number": a.clock.order.number,
            "kind": a.clock.kind,
            "level": a.level,
            "message": a.message,
            "created_at": a.created_at,
            "acknowledged_at": a.acknowledged_at,
        }
        for a in alerts
    ]


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, **ERRORS})
def alert_acknowledge(request: AuthedRequest, alert_id: int) -> dict[str, Any]:
    alert = selectors.sla_alerts_for(actor=request.auth, open_only=False).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(gettext("没有您可处理的预警 %(alert)s") % {"alert": alert_id}, field="alert_id")
    a = services.sla_alert_acknowledge(alert=alert, actor=request.auth)
    return {
        "id": a.id,
        "number": a.clock.order.number,
        "kind": a.clock.kind,
        "level": a.level,
        "message": a.message,
        "created_at": a.created_at,
        "acknowledged_at": a.acknowledged_at,
    }


# Pausing an order's clocks is an action on the order: same path and operation id as before.
@orders_router.post(
    "/{number}/sla/pause",
    response={200: OrderDetailOut, **ORDER_ERRORS},
    operation_id="anxin_workorders_api_order_sla_pause",
)
def order_sla_pause(request: AuthedRequest, number: str, payload: PauseIn) -> dict[str, Any]:
    """Stop the SLA clocks while the order waits on the customer or on parts (audited)."""
    order = workorder_get_for(actor=request.auth, number=number)
    sla_pause(order=order, reason=payload.reason, actor=request.auth, note=payload.note)
    return order_detail(order, list(workorder_timeline(order=order)))


@orders_router.post(
    "/{number}/sla/resume",
    response={200: OrderDetailOut, **ORDER_ERRORS},
    operation_id="anxin_workorders_api_order_sla_resume",
)
def order_sla_resume(request: AuthedRequest, number: str) -> dict[str, Any]:
    order = workorder_get_for(actor=request.auth, number=number)
    sla_resume(order=order, actor=request.auth)
    return order_detail(order, list(workorder_timeline(order=order)))
