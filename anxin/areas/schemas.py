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
