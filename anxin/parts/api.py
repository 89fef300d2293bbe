"""/api/v1/parts: catalogue, codes, stock per location and its moves, an order's parts (reserve, release,
verify, install), counterfeit alerts and returns. Every endpoint looks its object up in the caller's scope
(404 outside it) and lets the services check the action (403)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from anxin.accounts.auth import api_auth
from anxin.accounts.permissions import can
from anxin.accounts.requests import AuthedRequest
from anxin.core.schemas import ObjectId, errors
from anxin.parts import selectors, services
from anxin.parts.models import Part as PartModel
from anxin.parts.models import PartCode, PartCodeAlert, PartReturn, StockLocation, StockMove, StockReservation
from anxin.parts.permissions import RESERVE
from anxin.parts.schemas import (
    CataloguePartIn,
    CataloguePartOut,
    OrderPartsOut,
    PartCodeAlertOut,
    PartCodeOut,
    PartCodesIssueIn,
    PartCodeVerifyIn,
    PartCodeVerifyOut,
    PartImportIn,
    PartImportOut,
    PartInstallIn,
    PartReservationOut,
    PartReserveIn,
    PartReturnOut,
    PartReturnShipIn,
    ReservationReleaseIn,
    StockAdjustIn,
    StockLevelOut,
    StockLocationOut,
    StockMoveOut,
    StockReceiveIn,
    StockReturnIn,
    StockTransferIn,
)
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_get_for

router = Router(tags=["parts"], auth=api_auth)
READ = errors(401, 403, 404, 422)
WRITE = errors(400, 401, 403, 404, 409, 413, 422)


def part_out(part: PartModel) -> dict[str, Any]:
    return {
        "id": part.pk, "brand": part.brand.code, "part_number": part.part_number, "name": part.name,
        "name_en": part.name_en, "list_price": part.list_price, "serialised": part.serialised,
        "return_required": part.return_required, "active": part.active,
        "compatible_models": [m.code for m in part.compatible_models.all()],
    }  # fmt: skip


def location_out(location: StockLocation) -> dict[str, Any]:
    tech = location.technician
    return {
        "id": location.pk, "kind": location.kind, "name": str(location),
        "service_point_id": location.service_point_id, "technician": tech.employee_no if tech else None,
    }  # fmt: skip


def move_out(move: StockMove) -> dict[str, Any]:
    return {
        "id": move.pk, "kind": move.kind, "part_number": move.part.part_number,
        "on_hand_delta": move.on_hand_delta, "reserved_delta": move.reserved_delta,
        "order": move.order.number if move.order else None,
        "counterpart": str(move.counterpart) if move.counterpart else None,
        "reference": move.reference, "created_at": move.created_at,
    }  # fmt: skip


def code_out(code: PartCode) -> dict[str, Any]:
    installation = getattr(code, "installation", None)
    return {
        "code": code.code, "part_number": code.part.part_number, "batch": code.batch, "state": code.state,
        "issued_at": code.issued_at, "order": installation.order.number if installation else None,
    }  # fmt: skip


def reservation_out(reservation: StockReservation) -> dict[str, Any]:
    part = reservation.part
    return {
        "id": reservation.pk, "part_id": part.pk, "part_number": part.part_number, "name": part.name,
        "serialised": part.serialised, "quantity": reservation.quantity, "state": reservation.state,
        "location_id": reservation.location_id,
    }  # fmt: skip


def alert_out(alert: PartCodeAlert) -> dict[str, Any]:
    return {
        "id": alert.pk, "brand": alert.brand.code, "part_number": alert.part.part_number,
        "order": alert.order.number, "technician": alert.technician.employee_no if alert.technician else None,
        "code": alert.code, "reason": alert.reason, "created_at": alert.created_at,
    }  # fmt: skip


def return_out(row: PartReturn) -> dict[str, Any]:
    return {
        "id": row.pk, "brand": row.brand.code, "part_number": row.part.part_number, "order": row.order.number,
        "removed_serial": row.removed_serial, "state": row.state, "tracking_number": row.tracking_number,
        "shipped_at": row.shipped_at, "received_at": row.received_at,
    }  # fmt: skip


# --- catalogue and codes --------------------------------------------------------------------------


@router.get("/catalogue", response={200: list[CataloguePartOut], **READ})
def catalogue(
    request: AuthedRequest, brand: str = "", q: str = Query("", max_length=60)
) -> list[dict[str, Any]]:
    """Parts you may see: every brand's for service staff and technicians, brand staff their brands'."""
    return [
        part_out(p) for p in selectors.parts_catalogue_for(actor=request.auth, brand_code=brand, q=q)[:500]
    ]


@router.post("/catalogue", response={201: CataloguePartOut, **WRITE})
def part_add(request: AuthedRequest, payload: CataloguePartIn) -> Status:
    fields = payload.dict(exclude={"brand"})
    part = services.part_create(brand=selectors.brand_by_code(payload.brand), actor=request.auth, **fields)
    return Status(201, part_out(part))


@router.post("/catalogue/import", response={200: PartImportOut, **WRITE})
def parts_import(request: AuthedRequest, payload: PartImportIn) -> dict[str, Any]:
    """All or nothing: with any problem, nothing is saved and each problem names its line and column."""
    brand = selectors.brand_by_code(payload.brand)
    result = services.parts_import(brand=brand, text=payload.csv, actor=request.auth)
    return {
        "saved": not result.errors, "created": result.created, "updated": result.updated,
        "errors": [e.__dict__ for e in result.errors],
    }  # fmt: skip


@router.get("/catalogue/{part_id}/codes", response={200: list[PartCodeOut], **READ})
def codes(request: AuthedRequest, part_id: ObjectId, state: str = "") -> list[dict[str, Any]]:
    part = selectors.part_get_for(actor=request.auth, pk=part_id)
    return [code_out(c) for c in selectors.codes_for(actor=request.auth, part=part, state=state)[:5000]]


@router.post("/catalogue/{part_id}/codes", response={201: list[PartCodeOut], **WRITE})
def codes_issue(request: AuthedRequest, part_id: ObjectId, payload: PartCodesIssueIn) -> Status:
    """Issue codes: `quantity` random ones, or the brand's own `codes`."""
    part = selectors.part_get_for(actor=request.auth, pk=part_id)
    issued = services.part_codes_issue(
        part=part, actor=request.auth, quantity=payload.quantity, codes=payload.codes, batch=payload.batch
    )
    return Status(201, [code_out(c) for c in issued])


# --- stock per location -----------------------------------------------------------------------------


@router.get("/locations", response={200: list[StockLocationOut], **READ})
def locations(request: AuthedRequest) -> list[dict[str, Any]]:
    return [location_out(loc) for loc in selectors.locations_visible_to(actor=request.auth)]


@router.get("/locations/{location_id}/stock", response={200: list[StockLevelOut], **READ})
def stock(request: AuthedRequest, location_id: ObjectId) -> list[dict[str, Any]]:
    """On hand, reserved and available per part, summed from the ledger."""
    location = selectors.location_get_for(actor=request.auth, pk=location_id)
    return [
        {"part_id": lvl.part.pk, "part_number": lvl.part.part_number, "name": lvl.part.name,
         "on_hand": lvl.on_hand, "reserved": lvl.reserved, "available": lvl.available}
        for lvl in selectors.stock_levels(location=location)
    ]  # fmt: skip


@router.get("/locations/{location_id}/moves", response={200: list[StockMoveOut], **READ})
def moves(
    request: AuthedRequest, location_id: ObjectId, limit: int = Query(100, ge=1, le=500)
) -> list[dict[str, Any]]:
    location = selectors.location_get_for(actor=request.auth, pk=location_id)
    return [move_out(m) for m in selectors.stock_moves_for(actor=request.auth, location=location)[:limit]]


@router.post("/locations/{location_id}/receive", response={201: StockMoveOut, **WRITE})
def receive(request: AuthedRequest, location_id: ObjectId, payload: StockReceiveIn) -> Status:
    location = selectors.location_get_for(actor=request.auth, pk=location_id)
    part = selectors.part_get_for(actor=request.auth, pk=payload.part)
    move = services.stock_receive(
        location=location,
        part=part,
        quantity=payload.quantity,
        actor=request.auth,
        reference=payload.reference,
    )
    return Status(201, move_out(move))


@router.post("/locations/{location_id}/transfer", response={201: list[StockMoveOut], **WRITE})
def transfer(request: AuthedRequest, location_id: ObjectId, payload: StockTransferIn) -> Status:
    source = selectors.location_get_for(actor=request.auth, pk=location_id)
    target = selectors.location_get_for(actor=request.auth, pk=payload.target)
    part = selectors.part_get_for(actor=request.auth, pk=payload.part)
    pair = services.stock_transfer(
        source=source, target=target, part=part, quantity=payload.quantity, actor=request.auth,
        reference=payload.reference,
    )  # fmt: skip
    return Status(201, [move_out(m) for m in pair])


@router.post("/locations/{location_id}/return", response={201: StockMoveOut, **WRITE})
def return_to_brand(request: AuthedRequest, location_id: ObjectId, payload: StockReturnIn) -> Status:
    location = selectors.location_get_for(actor=request.auth, pk=location_id)
    part = selectors.part_get_for(actor=request.auth, pk=payload.part)
    move = services.stock_return_to_brand(
        location=location,
        part=part,
        quantity=payload.quantity,
        actor=request.auth,
        reference=payload.reference,
    )
    return Status(201, move_out(move))


@router.post("/locations/{location_id}/adjust", response={201: StockMoveOut, **WRITE})
def adjust(request: AuthedRequest, location_id: ObjectId, payload: StockAdjustIn) -> Status:
    location = selectors.location_get_for(actor=request.auth, pk=location_id)
    part = selectors.part_get_for(actor=request.auth, pk=payload.part)
    move = services.stock_adjust(
        location=location, part=part, delta=payload.delta, reason=payload.reason, actor=request.auth
    )
    return Status(201, move_out(move))


# --- an order's parts --------------------------------------------------------------------------------


def _order_parts(request: AuthedRequest, order: WorkOrder) -> dict[str, Any]:
    installed = selectors.order_parts_for(actor=request.auth, order=order)
    reservations = selectors.order_reservations(order=order) if can(request.auth, RESERVE, order) else []
    return {
        "number": order.number,
        "settled": selectors.order_parts_settled(order),
        "reservations": [reservation_out(r) for r in reservations],
        "installed": [
            {"part_number": u.part.part_number, "name": u.part.name, "quantity": u.quantity,
             "new_serial": u.new_serial, "removed_serial": u.removed_serial, "return_state": u.return_state}
            for u in installed
        ],
    }  # fmt: skip


@router.get("/orders/{number}", response={200: OrderPartsOut, **READ})
def order_parts(request: AuthedRequest, number: str) -> dict[str, Any]:
    """The genuine parts installed on the order (customers too); reservations for those who handle them."""
    return _order_parts(request, workorder_get_for(actor=request.auth, number=number))


@router.post("/orders/{number}/reservations", response={201: PartReservationOut, **WRITE})
def reserve(request: AuthedRequest, number: str, payload: PartReserveIn) -> Status:
    order = workorder_get_for(actor=request.auth, number=number)
    part = selectors.part_get_for(actor=request.auth, pk=payload.part)
    location = (
        selectors.location_get_for(actor=request.auth, pk=payload.location) if payload.location else None
    )
    reservation = services.stock_reserve(
        order=order, part=part, quantity=payload.quantity, actor=request.auth, location=location
    )
    return Status(201, reservation_out(reservation))


@router.post(
    "/orders/{number}/reservations/{reservation_id}/release", response={200: PartReservationOut, **WRITE}
)
def release(
    request: AuthedRequest, number: str, reservation_id: ObjectId, payload: ReservationReleaseIn
) -> dict[str, Any]:
    order = workorder_get_for(actor=request.auth, number=number)
    reservation = selectors.reservation_get_for(actor=request.auth, order=order, pk=reservation_id)
    return reservation_out(
        services.reservation_release(reservation=reservation, actor=request.auth, reason=payload.reason)
    )


@router.post("/orders/{number}/verify", response={200: PartCodeVerifyOut, **WRITE})
def verify(request: AuthedRequest, number: str, payload: PartCodeVerifyIn) -> dict[str, Any]:
    """Is this the genuine, never-installed code of this part? A refusal (422 `part_code_unknown` /
    `part_code_mismatch`, 409 `part_code_used`) is also flagged to the brand."""
    order = workorder_get_for(actor=request.auth, number=number)
    part = selectors.part_get_for(actor=request.auth, pk=payload.part)
    code = services.part_code_verify(order=order, part=part, code=payload.code, actor=request.auth)
    return {"code": code.code, "part_number": part.part_number, "valid": True}


@router.post("/orders/{number}/reservations/{reservation_id}/install", response={201: OrderPartsOut, **WRITE})
def install(request: AuthedRequest, number: str, reservation_id: ObjectId, payload: PartInstallIn) -> Status:
    """Install the reserved part: its code (serialised parts), the removed part's serial; consumes it."""
    order = workorder_get_for(actor=request.auth, number=number)
    reservation = selectors.reservation_get_for(actor=request.auth, order=order, pk=reservation_id)
    services.part_install(
        reservation=reservation, actor=request.auth, code=payload.code, removed_serial=payload.removed_serial
    )
    return Status(201, _order_parts(request, order))


# --- alerts and returns ------------------------------------------------------------------------------


@router.get("/alerts", response={200: list[PartCodeAlertOut], **READ})
def alerts(
    request: AuthedRequest, brand: str = "", limit: int = Query(100, ge=1, le=500)
) -> list[dict[str, Any]]:
    """Refused codes (possible counterfeits), newest first; brand staff see their brands'."""
    return [alert_out(a) for a in selectors.alerts_for(actor=request.auth, brand_code=brand)[:limit]]


@router.get("/returns", response={200: list[PartReturnOut], **READ})
def returns(
    request: AuthedRequest, state: str = "", limit: int = Query(100, ge=1, le=500)
) -> list[dict[str, Any]]:
    return [return_out(r) for r in selectors.returns_for(actor=request.auth, state=state)[:limit]]


@router.post("/returns/{return_id}/ship", response={200: PartReturnOut, **WRITE})
def return_ship(request: AuthedRequest, return_id: ObjectId, payload: PartReturnShipIn) -> dict[str, Any]:
    row = selectors.return_get_for(actor=request.auth, pk=return_id)
    return return_out(
        services.part_return_ship(
            part_return=row, actor=request.auth, tracking_number=payload.tracking_number
        )
    )


@router.post("/returns/{return_id}/receive", response={200: PartReturnOut, **WRITE})
def return_receive(request: AuthedRequest, return_id: ObjectId) -> dict[str, Any]:
    row = selectors.return_get_for(actor=request.auth, pk=return_id)
    return return_out(services.part_return_receive(part_return=row, actor=request.auth))
