from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field

from anxin.areas.schemas import ResolutionOut


class ServicePointBriefOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    open_24h: bool
    opening_hours: str


class NearestOut(Schema):
    service_point: ServicePointBriefOut
    distance_km: float


class LookupOut(Schema):
    outcome: str
    resolution: ResolutionOut
    service_points: list[ServicePointBriefOut]
    nearest: list[NearestOut]


class CoverageImportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=20000)
    confirm: bool = False
    replace: bool = False


class CoverageLineOut(Schema):
    text: str
    exclude: bool
    status: str
    code: str
    name_path: str
    problem: str
    reading: str = ""  # how a cut-off or historical line was read, for a person to confirm


class CoverageImportOut(Schema):
    saved: bool
    lines: list[CoverageLineOut]
    created: int = 0
    updated: int = 0
    removed: int = 0


class CoverageAreaOut(Schema):
    id: int
    division_code: str
    level: int
    name_path: str
    exclude: bool
