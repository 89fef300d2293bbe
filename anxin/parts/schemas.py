"""Input and output schemas of /api/v1/parts (explicit fields; one input schema per write)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema

from anxin.core.schemas import ObjectId

# A list price in yuan (0 allowed: a free part), as a JSON number or a string ("85.00"); the document says
# which strings are accepted (pydantic alone would document any string).
Price = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 99999999.99, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^[0-9]{1,8}(\.[0-9]{1,2})?$"},
            ]
        }
    ),
]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class CataloguePartOut(Schema):
    id: int
    brand: str = Field(description="brand code")
    part_number: str
    name: str
    name_en: str
    list_price: Decimal
    serialised: bool
    return_required: bool
    active: bool
    compatible_models: list[str] = Field(description="model codes")


class CataloguePartIn(_In):
    brand: str = Field(..., min_length=1, max_length=40, description="brand code")
    part_number: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=120)
    name_en: str = Field("", max_length=120)
    list_price: Price
    serialised: bool = False
    return_required: bool = False


class PartImportIn(_In):
    brand: str = Field(..., min_length=1, max_length=40, description="brand code")
    csv: str = Field(
        ...,
        min_length=1,
        max_length=2_000_000,
        description="CSV text with a header: part_number,name,list_price[,name_en,serialised,return_required,"
        "compatible_models (model codes separated by ;)]",
    )


class PartImportLineOut(Schema):
    line: int = Field(description="1 is the header line")
    field: str
    message: str


class PartImportOut(Schema):
    saved: bool
    created: int
    updated: int
    errors: list[PartImportLineOut]


class PartCodesIssueIn(_In):
    quantity: int = Field(0, ge=0, le=5000, description="how many random codes to generate")
    codes: list[str] = Field(default_factory=list, max_length=5000, description="or: the brand's own codes")
    batch: str = Field("", max_length=40)


class PartCodeOut(Schema):
    code: str
    part_number: str
    batch: str
    state: str
    issued_at: dt.datetime
    order: str | None = Field(description="number of the order it was installed on")


class StockLocationOut(Schema):
    id: int
    kind: str
    name: str
    service_point_id: int
    technician: str | None = Field(description="employee number, for a van")


class StockLevelOut(Schema):
    part_id: int
    part_number: str
    name: str
    on_hand: int
    reserved: int
    available: int


class StockMoveOut(Schema):
    id: int
    kind: str
    part_number: str
    on_hand_delta: int
    reserved_delta: int
    order: str | None
    counterpart: str | None
    reference: str
    created_at: dt.datetime


class StockReceiveIn(_In):
    part: ObjectId
    quantity: int = Field(..., ge=1, le=10_000)
    reference: str = Field("", max_length=100, description="delivery note number")


class StockTransferIn(_In):
    part: ObjectId
    target: ObjectId = Field(description="the receiving location's id")
    quantity: int = Field(..., ge=1, le=10_000)
    reference: str = Field("", max_length=100)


class StockReturnIn(_In):
    part: ObjectId
    quantity: int = Field(..., ge=1, le=10_000)
    reference: str = Field(..., min_length=1, max_length=100, description="why, or the brand's return number")


class StockAdjustIn(_In):
    part: ObjectId
    delta: int = Field(..., ge=-10_000, le=10_000, description="counted minus booked; not 0")
    reason: str = Field(..., min_length=1, max_length=100)


class PartReserveIn(_In):
    part: ObjectId
    quantity: int = Field(1, ge=1, le=10_000)
    location: ObjectId | None = Field(None, description="default: the assigned technician's van")


class ReservationReleaseIn(_In):
    reason: str = Field("", max_length=100)


class PartCodeVerifyIn(_In):
    part: ObjectId
    code: str = Field(..., min_length=1, max_length=200, description="as scanned from the QR label or typed")


class PartCodeVerifyOut(Schema):
    code: str
    part_number: str
    valid: bool


class PartInstallIn(_In):
    code: str = Field("", max_length=200, description="required for a serialised part")
    removed_serial: str = Field("", max_length=64, description="serial of the part taken out")


class PartReservationOut(Schema):
    id: int
    part_id: int
    part_number: str
    name: str
    serialised: bool
    quantity: int
    state: str
    location_id: int


class PartUsedOut(Schema):
    part_number: str
    name: str
    quantity: int
    new_serial: str
    removed_serial: str
    return_state: str


class OrderPartsOut(Schema):
    number: str
    settled: bool = Field(description="every reservation consumed or released")
    reservations: list[PartReservationOut] = Field(
        description="empty for those who only read the installed parts"
    )
    installed: list[PartUsedOut]


class PartCodeAlertOut(Schema):
    id: int
    brand: str
    part_number: str
    order: str
    technician: str | None = Field(description="employee number")
    code: str
    reason: str
    created_at: dt.datetime


class PartReturnOut(Schema):
    id: int
    brand: str
    part_number: str
    order: str
    removed_serial: str
    state: str
    tracking_number: str
    shipped_at: dt.datetime | None
    received_at: dt.datetime | None


class PartReturnShipIn(_In):
    tracking_number: str = Field("", max_length=40)
