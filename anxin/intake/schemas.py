from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field


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
