from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field

from anxin.sla.choices import PauseReason


class PauseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: PauseReason
    note: str = Field("", max_length=300)


class BreachRowOut(Schema):
    brand: str
    kind: str
    total: int
    met: int
    breached: int
    breach_rate: float


class BreachOut(Schema):
    number: str
    kind: str
    due_at: dt.datetime
    breached_at: dt.datetime | None
    finished_at: dt.datetime | None


class BreachReportOut(Schema):
    since: dt.datetime
    until: dt.datetime
    rows: list[BreachRowOut]
    breaches: list[BreachOut]


class AlertOut(Schema):
    id: int
    number: str
    kind: str
    level: str
    message: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
