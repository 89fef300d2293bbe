from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, WithJsonSchema

from anxin.workorders.schemas import StrictIn

# Yuan with at most two decimals, as a JSON number or a string ("85.00"); the document says which strings.
_DIGITS = r"[0-9]{1,8}(\.[0-9]{1,2})?"
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 99999999.99, "multipleOf": 0.01},
                {"type": "string", "pattern": f"^{_DIGITS}$"},
            ]
        }
    ),
]
PositiveMoney = Annotated[
    Decimal,
    Field(gt=0, max_digits=10, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": 99999999.99, "multipleOf": 0.01},
                {"type": "string", "pattern": f"^(?!0*\\.?0*$){_DIGITS}$"},
            ]
        }
    ),
]


class PriceLineOut(Schema):
    kind: str
    category: str | None = Field(description="category code (visit fee; distance tiers of one category)")
    fault_code: str | None
    name: str
    part_number: str | None
    km_from: int | None
    km_to: int | None = Field(description="exclusive; null: and above")
    amount: Decimal
    covered_by_warranty: bool


class PriceListOut(Schema):
    brand: str
    version: int
    effective_from: dt.date
    visit_fee_on_decline: bool
    lines: list[PriceLineOut]


class QuoteLineOut(Schema):
    id: int
    kind: str
    description: str
    fault_code: str | None
    part_number: str | None
    part_code: str
    quantity: int
    list_unit_price: Decimal
    unit_price: Decimal
    amount: Decimal
    above_list_price: bool
    override_by: str | None = Field(description="the supervisor who allowed the price above the list")
    override_reason: str | None
    override_at: dt.datetime | None


class ApprovalOut(Schema):
    id: int
    revision: int
    decision: str
    method: str
    actor: str
    decided_at: dt.datetime
    total: Decimal
    content_sha256: str
    signature_sha256: str
    valid: bool
    invalidated_reason: str


class QuoteOut(Schema):
    order: str
    state: str = Field(description="none, in_warranty, draft, awaiting, approved, declined")
    id: int | None
    status: str | None
    revision: int | None
    in_warranty: bool | None
    warranty_basis: str
    price_list_version: int | None
    distance_km: int | None
    lines: list[QuoteLineOut]
    total: Decimal
    amount_due: Decimal
    amount_paid: Decimal
    approvals: list[ApprovalOut]


class QuoteStartIn(StrictIn):
    fault_code: str = Field(
        max_length=20, description="the diagnosed fault's code (brand and category of the order)"
    )
    distance_km: int | None = Field(default=None, ge=0, le=2000)


class QuoteLineIn(StrictIn):
    kind: Literal["part", "labour"]
    part_number: str | None = Field(default=None, max_length=40)
    fault_code: str | None = Field(default=None, max_length=20)
    part_code: str = Field(default="", max_length=80, description="required for serialised parts")
    quantity: int = Field(default=1, ge=1, le=99)
    unit_price: Money | None = None
    override_reason: str = Field(default="", max_length=300)


class OverrideIn(StrictIn):
    unit_price: PositiveMoney
    reason: str = Field(min_length=1, max_length=300)


class DistanceIn(StrictIn):
    distance_km: int = Field(ge=0, le=2000)


class SendIn(StrictIn):
    sms: bool = Field(default=False, description="text the customer the link to approve remotely")


class AnswerIn(StrictIn):
    decision: Literal["approved", "declined"]
    revision: int = Field(ge=1, description="the revision the customer was shown")
    signature: str = Field(
        default="",
        max_length=60_000,
        description="PNG as a data URL or base64 (API bodies are at most 64 kB)",
    )
    note: str = Field(default="", max_length=300)


class LinkAnswerIn(AnswerIn):
    token: str = Field(max_length=40, description="the order's tracking token from the SMS link")


class PaymentIn(StrictIn):
    method: Literal["cash", "provider"]


class RefundIn(StrictIn):
    amount: PositiveMoney
    reason: str = Field(min_length=1, max_length=300)


class RefundOut(Schema):
    amount: Decimal
    reason: str
    actor: str
    created_at: dt.datetime


class PaymentOut(Schema):
    receipt_number: str
    amount: Decimal
    method: str
    provider: str
    status: str
    paid_at: dt.datetime | None
    refunded: Decimal
    refunds: list[RefundOut]


class ImportIn(StrictIn):
    brand: str = Field(max_length=40, description="brand code")
    effective_from: dt.date
    visit_fee_on_decline: bool = True
    csv: str = Field(
        max_length=60_000,
        description="the CSV text (see docs/pricing.md); larger lists: the upload page or command",
    )


class ImportOut(Schema):
    version: int
    lines: int
