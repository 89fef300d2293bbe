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


class OrderChangeOut(Schema):
    field: str
    old: str = Field(description="masked when the field is personal data")
    new: str


class OrderEventOut(Schema):
    event: str
    from_status: str
    to_status: str
    actor: str
    note: str
    changes: list[OrderChangeOut] = Field(description="a correction's fields, old and new")
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
    appointment_start: dt.datetime | None
    appointment_end: dt.datetime | None
    version: str = Field(description="send it back with a correction (PATCH): a stale one gets 409")
    timeline: list[OrderEventOut]


class OrderCorrectIn(StrictIn):
    """A correction: only the fields given change; ``version`` is the order's as last read."""

    version: str = Field(..., max_length=40)
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=30)
    service_address: str | None = Field(None, max_length=300)
    brand: str | None = Field(None, max_length=60, description="brand code or name")
    category: str | None = Field(None, max_length=60, description="category code or name")
    model: str | None = Field(None, max_length=60, description="model code of the brand; empty clears it")
    description: str | None = Field(None, max_length=4000)
    appointment_start: dt.datetime | None = None
    appointment_end: dt.datetime | None = None


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
