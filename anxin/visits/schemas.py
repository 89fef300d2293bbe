from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema, UploadedFile
from pydantic import Field

from anxin.workorders.schemas import StrictIn


class PhotoFile(UploadedFile):
    """A photo from the phone's camera. Empty files are refused, and the document says so."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: object, handler: object) -> dict[str, object]:
        return {"type": "string", "format": "binary", "minLength": 1}


PhotoRoleIn = Literal["before", "after", "item"]


class OptionOut(Schema):
    value: str
    label: str
    fails: bool


class ItemOut(Schema):
    code: str
    label: str
    hint: str
    kind: str
    unit: str
    min: Decimal | None
    max: Decimal | None
    options: list[OptionOut]
    required: bool
    severity: str


class TemplateOut(Schema):
    id: int
    key: str
    version: int
    kind: Literal["inspection", "security"]
    name: str
    items: list[ItemOut]


class InspectionStartIn(StrictIn):
    template_id: int


class ResultIn(StrictIn):
    value: bool | Decimal | str = Field(
        description="pass_fail: true/false; reading: a number in the item's unit; choice: an option's value; "
        "text: the text. Photo items are answered by uploading a photo with role `item`."
    )


class ResultOut(Schema):
    code: str
    label: str
    kind: str
    answered: bool
    value: str = Field(description="as shown to people: 合格, 0.72 MPa, the option's label")
    failed: bool
    out_of_range: bool
    photos: list[int] = Field(description="attachment ids: /orders/{number}/attachments/{id}/")


class InspectionOut(Schema):
    id: int
    kind: str
    template_id: int
    template: str
    version: int
    status: Literal["in_progress", "completed"]
    started_at: dt.datetime
    completed_at: dt.datetime | None
    items: list[ResultOut]


class PhotoOut(Schema):
    id: int
    attachment_id: int
    role: Literal["before", "after", "item"]
    inspection_id: int | None
    item_code: str | None
    url: str
    created_at: dt.datetime


class FaultCodeOut(Schema):
    code: str
    name: str
    description: str
    model_specific: bool


class DiagnosisIn(StrictIn):
    fault_codes: list[str] = Field(default_factory=list, max_length=10)
    cause: str = Field("", max_length=2000)


class DiagnosisOut(Schema):
    fault_codes: list[FaultCodeOut]
    cause: str
    recorded_at: dt.datetime


class FindingOut(Schema):
    code: str
    label: str
    severity: str
    value: str
    out_of_range: bool
    fix: str


class AssessmentOut(Schema):
    inspection_id: int
    completed: bool
    score: int = Field(ge=0, le=100, description="share of the checklist's severity weight that failed")
    level: Literal["low", "medium", "high"]
    findings: list[FindingOut] = Field(description="most severe first, with the recommended fix")


class AdviceOut(Schema):
    key: str
    text: str


class RequirementOut(Schema):
    key: str
    label: str
    met: bool


class CompletionOut(Schema):
    status: str
    requirements: list[RequirementOut]
    signed_off_at: dt.datetime | None


class CompleteIn(StrictIn):
    """The customer's signature (PNG data URL or base64), or the reason there is none."""

    signature: str = Field(
        "", max_length=60000, description="PNG as a data URL or base64 (≤ 60 000 characters in the API)"
    )
    no_signature_reason: Literal["", "customer_absent", "refused"] = ""
    note: str = Field("", max_length=300)
