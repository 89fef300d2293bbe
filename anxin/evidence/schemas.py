from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field, WithJsonSchema

from anxin.core.schemas import ErrorOut as ErrorOut  # re-exported: the claims router imports it from here
from anxin.evidence.choices import ClaimType, Decision, EvidenceKind


class EvidenceFile(UploadedFile):
    """An uploaded photo or video. Empty files are refused, and the document says so (``minLength``)."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "format": "binary", "minLength": 1}


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


# A positive amount in yuan with at most two decimals, as a JSON number or a string ("199.00").
# Pydantic would document any string; the document says which ones are accepted.
Money = Annotated[
    Decimal,
    Field(gt=0, max_digits=10, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": 99999999.99, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^(?!0*\.?0*$)[0-9]{1,8}(\.[0-9]{1,2})?$"},
            ]
        }
    ),
]


class ClaimCreateIn(StrictIn):
    claim_type: ClaimType
    brand: str = Field(max_length=60, description="brand code")
    product_model_id: int | None = None
    order_number: str = Field(min_length=1, max_length=64)
    order_line: str = Field(default="", max_length=64)
    amount_paid: Money
    amount_claimed: Money
    delivered_at: dt.datetime | None = None
    description: str = Field(default="", max_length=2000)
    repair_order: str = Field(
        default="",
        max_length=32,
        description="one of the buyer's repair orders, when the claim is about that repair",
    )


class DecisionIn(StrictIn):
    decision: Decision
    reason: str = Field(default="", max_length=1000)


class AppealIn(StrictIn):
    reason: str = Field(min_length=1, max_length=1000)


class ArbitrationIn(StrictIn):
    decision: Decision
    reason: str = Field(min_length=1, max_length=1000)


class ClaimSummaryOut(Schema):
    number: str
    claim_type: str
    status: str
    risk: str | None  # hidden (null) for the buyer
    brand: str
    order_number: str
    repair_order: str | None = None
    amount_claimed: Decimal
    created_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    kind: EvidenceKind
    filename: str
    sha256: str
    size: int
    received_at: dt.datetime
    risk: str | None = None
    reasons: list[str] = []
    heatmap_url: str | None = None


class ClaimEventOut(Schema):
    at: dt.datetime
    kind: str
    old_status: str
    new_status: str
    decision: str
    actor: str | None
    reason: str


class ClaimDetailOut(ClaimSummaryOut):
    amount_paid: Decimal
    appeal_deadline: dt.datetime | None
    files: list[EvidenceOut]
    timeline: list[ClaimEventOut]
