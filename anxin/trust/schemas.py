"""API shapes of anxin.trust: explicit fields, input and output apart."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field


class ScreenshotFile(UploadedFile):
    """An optional picture of where the fake number or address was seen."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "format": "binary", "minLength": 1}


class BadgeCheckQuery(Schema):
    t: str = Field(min_length=1, max_length=600, description="the token from the badge's QR code")
    order: str = Field("", max_length=20, description="the caller's own order number, when known")


class SuspectsQuery(Schema):
    status: Literal["", "new", "confirmed", "dismissed"] = ""


class BadgeCheckOut(Schema):
    status: Literal["valid", "expired", "forged", "inactive", "not_assigned", "other_order"] = Field(
        description="valid; expired (older than the token lifetime); forged (bad signature or shape); "
        "inactive (technician disabled); not_assigned (the order is no longer his); other_order "
        "(genuine, but for another order than ``order``)"
    )
    order_number: str = Field(description="the order the badge is for (empty when the token is unreadable)")
    technician_name: str = Field(description="masked, e.g. 王**; empty unless the badge is genuine and live")
    employee_no: str
    service_point: str
    order_label: str = Field(description="brand and category of the order, no customer data")
    photo_url: str = Field(description="path of the technician's photo, valid while the token is")
    expires_at: dt.datetime | None


class ReportOut(Schema):
    id: int
    suspect_id: int
    report_count: int = Field(description="reports of this number or address so far, this one included")


class SuspectOut(Schema):
    id: int
    kind: str
    value: str
    brand: str | None
    status: str
    report_count: int
    first_reported_at: dt.datetime
    last_reported_at: dt.datetime


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["new", "confirmed", "dismissed"]
