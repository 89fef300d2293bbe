from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from anxin.core.schemas import ErrorOut as ErrorOut  # re-exported: routers import it from here


class StrictIn(Schema):
    """Input schemas refuse unknown fields (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class SlaClockOut(Schema):
    kind: str
    state: str
    started_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None


class OrderEventOut(Schema):
    event: str
    from_status: str
    to_status: str
    actor: str
    note: str
    created_at: dt.datetime


class OrderSummaryOut(Schema):
    number: str
    status: str
    priority: str
    channel: str
    brand: str | None
    category: str | None
    contact_name: str
    contact_phone: str
    county_code: str
    in_warranty: bool | None
    attention: list[str]
    technician: str | None
    created_at: dt.datetime
    sla: list[SlaClockOut]


class OrderDetailOut(OrderSummaryOut):
    service_address: str
    description: str
    township_code: str
    preferred_time: str
    timeline: list[OrderEventOut]


class TransitionIn(StrictIn):
    event: str = Field(..., max_length=30)
    note: str = Field("", max_length=1000)
    technician: str = Field("", max_length=20, description="employee number, for dispatch")


class ContactedIn(StrictIn):
    note: str = Field("", max_length=1000)


class RevealIn(StrictIn):
    field: Literal["contact_phone", "contact_name", "service_address"]
    reason: str = Field("", max_length=200)


class RevealOut(Schema):
    field: str
    value: str
