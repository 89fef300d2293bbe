from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field


class ResolveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    texts: list[Annotated[str, Field(max_length=300)]] = Field(..., min_length=1, max_length=1000)


class CandidateOut(Schema):
    code: str
    name_path: str


class ResolutionOut(Schema):
    input: str
    status: str
    province_code: str
    prefecture_code: str
    county_code: str
    township_code: str
    name_path: str
    rest: str
    candidates: list[CandidateOut]
    truncated: bool = False  # read with the start cut off (州市越秀区 → 广州市越秀区)
    historical_year: int = 0  # read through an old name or old parent that changed in this year


class ResolveOut(Schema):
    results: list[ResolutionOut]


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str
    name_path: str
    lat: float | None
    lng: float | None
    statistical: bool


class DivisionDetailOut(DivisionOut):
    children: list[DivisionOut]


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
