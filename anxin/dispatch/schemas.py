from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from anxin.network.choices import TechnicianStatus
from anxin.workorders.schemas import StrictIn


class OfferOut(Schema):
    id: int
    number: str
    state: str
    technician: str
    brand: str | None
    category: str | None
    planned_day: dt.date | None
    eta: dt.datetime | None
    distance_m: int | None
    created_at: dt.datetime
    expires_at: dt.datetime


class DeclineIn(StrictIn):
    reason: str = Field("", max_length=100)


class OfferAnswerOut(Schema):
    offer: OfferOut
    handed_on: bool  # declined: the order went to the next technician (False: escalated to a dispatcher)


class LocationIn(StrictIn):
    # strict: a JSON true/false is not a coordinate (lax mode would read it as 1.0/0.0)
    latitude: float = Field(..., ge=-90, le=90, strict=True)
    longitude: float = Field(..., ge=-180, le=180, strict=True)


class StatusIn(StrictIn):
    status: TechnicianStatus
    late_minutes: int | None = Field(None, ge=0, le=480, strict=True)


class TechnicianOut(Schema):
    employee_no: str
    name: str
    status: str
    last_latitude: float | None
    last_longitude: float | None
    last_located_at: dt.datetime | None
    available_from: dt.datetime | None


class StopOut(Schema):
    number: str
    eta: dt.datetime
    start: dt.datetime
    lateness_minutes: int
    locked: bool
    pinned: bool


class RouteOut(Schema):
    technician: TechnicianOut
    stops: list[StopOut]
    late_stops: int
    overtime_minutes: int


class BoardOrderOut(Schema):
    number: str
    status: str
    priority: str
    confirm_due_at: dt.datetime | None
    confirm_seconds_left: int | None
    offered_to: str | None
    offer_expires_at: dt.datetime | None
    suggested: str | None
    suggested_eta: dt.datetime | None
    escalated: bool


class PlanOut(Schema):
    engine: str
    solve_seconds: float
    fallback_reason: str
    version: int
    trigger: str
    planned_at: dt.datetime
    unassigned: list[str]


class BoardOut(Schema):
    service_point: int
    day: dt.date
    plan: PlanOut | None
    orders: list[BoardOrderOut]
    routes: list[RouteOut]


class ReassignIn(StrictIn):
    technician: str = Field(..., max_length=20, description="employee number")


class PinOut(Schema):
    number: str
    technician: str
    arrival: dt.datetime | None


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime


class SlotChooseIn(StrictIn):
    start: dt.datetime


class AppointmentOut(Schema):
    number: str
    appointment_start: dt.datetime
    appointment_end: dt.datetime
