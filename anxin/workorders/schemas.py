from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from anxin.core.schemas import ErrorOut as ErrorOut  # re-exported: routers import it from here


class StrictIn(Schema):
    """Input schemas refuse unknown fields (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class OrderCreateIn(StrictIn):
    # The customer must be reachable: a phone with 7 to 15 digits, or an e-mail address (intake's
    # _clean_contact). Said in the document so clients and generated tests know it.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {
                    "required": ["phone"],
                    "properties": {"phone": {"pattern": "^[^0-9]*([0-9][^0-9]*){7,15}$"}},
                },
                {"required": ["email"], "properties": {"email": {"pattern": "^[\\s\\S]*@[^@]*\\.[^@]*$"}}},
            ]
        },
    )

    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=120)
    name: str = Field("", max_length=60)
    address: str = Field("", max_length=300)
    brand: str = Field("", max_length=60)
    category: str = Field("", max_length=60)
    model: str = Field("", max_length=60)
    serial_number: str = Field("", max_length=60)
    purchase_date: dt.date | None = None
    description: str = Field("", max_length=4000)
    preferred_time: str = Field("", max_length=60)
    external_ref: str = Field("", max_length=200)


class OrderCreatedOut(Schema):
    """A request linked to an order that already existed answers with its receipt only:
    ``number``, ``status``, ``attention`` and ``tracking_url`` are empty then."""

    receipt: str | None = Field(None, description="this request's own receipt number")
    number: str | None
    status: str | None
    created: bool
    linked: bool
    replayed: bool
    attention: list[str]
    tracking_url: str | None


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
