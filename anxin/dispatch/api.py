"""Dispatch API under /api/v1/dispatch: offers, technician status and location, board, reassign/pin, slots."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from anxin.accounts.auth import api_auth
from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.schemas import errors
from anxin.dispatch import selectors, services
from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.permissions import PIN, REASSIGN, SLOT_BOOK
from anxin.dispatch.schemas import (
    AppointmentOut,
    BoardOut,
    DeclineIn,
    LocationIn,
    OfferAnswerOut,
    OfferOut,
    PinOut,
    ReassignIn,
    SlotChooseIn,
    SlotOut,
    StatusIn,
    TechnicianOut,
)
from anxin.network.models import Technician
from anxin.network.selectors import technician_for_user, technician_get_by_employee_no
from anxin.network.services import technician_location_update
from anxin.workorders.selectors import workorder_get_for

router = Router(auth=api_auth, tags=["dispatch"])
ERRORS = errors(400, 401, 403, 404, 409, 413, 422)


def offer_out(offer: DispatchOffer | None) -> dict | None:
    if offer is None:
        return None
    order = offer.order
    return {
        "id": offer.pk,
        "number": order.number,
        "state": offer.state,
        "technician": offer.technician.employee_no,
        "brand": order.brand.name if order.brand else None,
        "category": order.category.name if order.category else None,
        "planned_day": offer.planned_day,
        "eta": offer.eta,
        "distance_m": offer.distance_m,
        "created_at": offer.created_at,
        "expires_at": offer.expires_at,
    }


def technician_out(tech: Technician) -> dict:
    return {
        "employee_no": tech.employee_no,
        "name": str(tech.user),
        "status": tech.status,
        "last_latitude": tech.last_latitude,
        "last_longitude": tech.last_longitude,
        "last_located_at": tech.last_located_at,
        "available_from": tech.available_from,
    }


@router.get("/offers", response={200: list[OfferOut], **ERRORS})
def offers_mine(request: AuthedRequest, state: str = "pending") -> list[dict[str, Any] | None]:
    """Offers made to me (technicians); dispatchers and admins see every offer."""
    offers = selectors.offers_visible_to(actor=request.auth)
    if state:
        offers = offers.filter(state=state)
    return [offer_out(o) for o in offers[:100]]


@router.post("/offers/{offer_id}/accept", response={200: OfferAnswerOut, **ERRORS})
def offer_accept(request: AuthedRequest, offer_id: int) -> dict[str, Any]:
    offer = selectors.offer_get_for(actor=request.auth, offer_id=offer_id)
    return {"offer": offer_out(services.offer_accept(offer=offer, actor=request.auth)), "handed_on": False}


@router.post("/offers/{offer_id}/decline", response={200: OfferAnswerOut, **ERRORS})
def offer_decline(request: AuthedRequest, offer_id: int, payload: DeclineIn) -> dict[str, Any]:
    offer = selectors.offer_get_for(actor=request.auth, offer_id=offer_id)
    following = services.offer_decline(offer=offer, actor=request.auth, reason=payload.reason)
    offer.refresh_from_db()
    # Who gets it next is not the decliner's business; only whether it was handed on or escalated.
    return {"offer": offer_out(offer), "handed_on": following is not None}


@router.post("/technicians/me/location", response={200: TechnicianOut, **ERRORS})
def location_update(request: AuthedRequest, payload: LocationIn) -> dict[str, Any]:
    tech = technician_for_user(actor=request.auth)
    tech = technician_location_update(technician=tech, latitude=payload.latitude, longitude=payload.longitude)
    return technician_out(tech)


@router.post("/technicians/me/status", response={200: TechnicianOut, **ERRORS})
def status_update(request: AuthedRequest, payload: StatusIn) -> dict[str, Any]:
    tech = technician_for_user(actor=request.auth)
    tech = services.technician_status_set(
        technician=tech, status=payload.status, actor=request.auth, late_minutes=payload.late_minutes
    )
    return technician_out(tech)


@router.get("/board/{service_point_id}", response={200: BoardOut, **ERRORS})
def board(request: AuthedRequest, service_point_id: int) -> dict[str, Any]:
    """Today's board for one service point: orders waiting for a technician, routes with ETAs, plan facts."""
    point = selectors.service_point_for_board(actor=request.auth, pk=service_point_id)
    snap = services.board_snapshot(actor=request.auth, service_point=point)
    plan = snap.plan
    return {
        "service_point": point.pk,
        "day": snap.day,
        "plan": None
        if plan is None
        else {
            "engine": plan.engine,
            "solve_seconds": plan.solve_seconds,
            "fallback_reason": plan.fallback_reason,
            "version": plan.version,
            "trigger": plan.trigger,
            "planned_at": plan.planned_at,
            "unassigned": plan.unassigned,
        },
        "orders": [
            {
                "number": b.order.number,
                "status": b.order.status,
                "priority": b.order.priority,
                "confirm_due_at": b.clock.due_at if b.clock else None,
                "confirm_seconds_left": b.seconds_left,
                "offered_to": b.offer.technician.employee_no if b.offer else None,
                "offer_expires_at": b.offer.expires_at if b.offer else None,
                "suggested": b.suggestion.technician.employee_no if b.suggestion else None,
                "suggested_eta": b.suggestion.eta if b.suggestion else None,
                "escalated": b.escalated,
            }
            for b in snap.orders
        ],
        "routes": [
            {
                "technician": technician_out(t.technician),
                "stops": [
                    {
                        "number": s.number,
                        "eta": s.eta,
                        "start": s.start,
                        "lateness_minutes": s.lateness,
                        "locked": s.locked,
                        "pinned": s.pinned,
                    }
                    for s in t.stops
                ],
                "late_stops": t.late,
                "overtime_minutes": t.overtime,
            }
            for t in snap.technicians
        ],
    }


@router.post("/orders/{number}/reassign", response={200: OfferOut, **ERRORS})
def reassign(request: AuthedRequest, number: str, payload: ReassignIn) -> dict | None:
    require(request.auth, REASSIGN)  # 403 for a role that may never, before looking the order up
    order = workorder_get_for(actor=request.auth, number=number)
    tech = technician_get_by_employee_no(employee_no=payload.technician)
    return offer_out(services.dispatch_reassign(order=order, technician=tech, actor=request.auth))


@router.post("/orders/{number}/pin", response={200: PinOut, **ERRORS})
def pin(request: AuthedRequest, number: str) -> dict[str, Any]:
    require(request.auth, PIN)  # 403 for a role that may never, before looking the order up
    order = workorder_get_for(actor=request.auth, number=number)
    pinned = services.dispatch_pin(order=order, actor=request.auth)
    return {"number": order.number, "technician": pinned.technician.employee_no, "arrival": pinned.arrival}


@router.delete("/orders/{number}/pin", response={204: None, **ERRORS})
def unpin(request: AuthedRequest, number: str) -> Status:
    require(request.auth, PIN)  # 403 for a role that may never, before looking the order up
    order = workorder_get_for(actor=request.auth, number=number)
    services.dispatch_unpin(order=order, actor=request.auth)
    return Status(204, None)


@router.get("/orders/{number}/slots", response={200: list[SlotOut], **ERRORS})
def slots(request: AuthedRequest, number: str) -> list[dict[str, Any]]:
    """Arrival windows (2 h, next 3 days) the current plan can keep for this order."""
    require(request.auth, SLOT_BOOK)  # a role that may not book hears 403, not "no such order"
    order = workorder_get_for(actor=request.auth, number=number)
    return [{"start": s.start, "end": s.end} for s in services.slots_for_order(order=order)]


@router.post("/orders/{number}/slot", response={200: AppointmentOut, **ERRORS})
def slot_choose(request: AuthedRequest, number: str, payload: SlotChooseIn) -> dict[str, Any]:
    require(request.auth, SLOT_BOOK)
    order = workorder_get_for(actor=request.auth, number=number)
    order = services.slot_choose(order=order, start=payload.start, actor=request.auth)
    return {
        "number": order.number,
        "appointment_start": order.appointment_start,
        "appointment_end": order.appointment_end,
    }
