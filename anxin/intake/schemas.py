from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field

from anxin.workorders.schemas import StrictIn


class SocialSender(Schema):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(..., max_length=120)
    name: str = Field("", max_length=60)
    phone: str = Field("", max_length=30)


class SocialMessageIn(Schema):
    """What the social/IM bridge posts for one customer message."""

    model_config = ConfigDict(extra="forbid")
    platform: str = Field(..., max_length=30, description="wechat, weibo, douyin, …")
    message_id: str = Field(..., max_length=120)
    sender: SocialSender
    text: str = Field("", max_length=4000)
    brand: str = Field("", max_length=60)
    category: str = Field("", max_length=60)
    address: str = Field("", max_length=300)


class IntakeAckOut(Schema):
    """The answer to a request. ``number``/``tracking_url`` only when this request created the order."""

    receipt: str | None = Field(None, description="this request's own receipt number")
    number: str | None
    created: bool
    linked: bool
    replayed: bool
    tracking_url: str | None


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
