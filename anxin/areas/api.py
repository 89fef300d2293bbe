"""/api/v1/areas: resolve addresses, read divisions, look up and import coverage.

Every operation needs a signed-in user or an API token: ``/resolve`` is cheap but takes customers' addresses
and is a CPU sink if left open (docs/adr/0033-areas-api-and-coverage.md).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from anxin.accounts.auth import api_auth
from anxin.areas.coverage import CoverageLine, coverage_text_parse
from anxin.areas.resolver import Resolution, resolve
from anxin.areas.schemas import (
    CoverageAreaOut,
    CoverageImportIn,
    CoverageImportOut,
    DivisionDetailOut,
    LookupOut,
    ResolveIn,
    ResolveOut,
)
from anxin.areas.selectors import (
    coverage_list_for,
    coverage_lookup,
    division_children,
    division_get,
    service_point_get_for,
)
from anxin.areas.services import coverage_import
from anxin.areas.tree import Division, get_tree
from anxin.core.exceptions import NotFound
from anxin.core.schemas import errors

router = Router(tags=["areas"], auth=api_auth)
# 401 without a token/session, 422 for bad input; bodies add 400 (not JSON) and 413 (too large).
READ_ERRORS = errors(401, 422)
BODY_ERRORS = errors(400, 401, 413, 422)


def resolution_out(text: str, r: Resolution) -> dict:
    return {
        "input": text,
        "status": r.status,
        "province_code": r.province_code,
        "prefecture_code": r.prefecture_code,
        "county_code": r.county_code,
        "township_code": r.township_code,
        "name_path": r.name_path,
        "rest": r.rest,
        "candidates": [{"code": c, "name_path": p} for c, p in r.candidates],
        "truncated": r.truncated,
        "historical_year": r.historical_year,
    }


def division_out(d: Division) -> dict:
    return {
        "code": d.code,
        "name": d.name,
        "level": d.level,
        "parent_code": d.parent_code,
        "name_path": get_tree().name_path(d.code),
        "lat": d.lat,
        "lng": d.lng,
        "statistical": d.statistical,
    }


def line_out(line: CoverageLine) -> dict:
    return {
        "text": line.text,
        "exclude": line.exclude,
        "status": line.resolution.status,
        "code": line.resolution.code if line.importable else "",
        "name_path": line.resolution.name_path,
        "problem": line.problem,
        "reading": line.reading,
    }


@router.post("/resolve", response={200: ResolveOut, **BODY_ERRORS})
def resolve_batch(request: HttpRequest, payload: ResolveIn) -> dict:
    """Resolve up to 1,000 texts to divisions, in order."""
    return {"results": [resolution_out(text, resolve(text)) for text in payload.texts]}


@router.get("/divisions/{code}", response={200: DivisionDetailOut, **READ_ERRORS, **errors(404)})
def division_detail(request: HttpRequest, code: str) -> dict:
    division = division_get(code)
    if division is None:
        raise NotFound("行政区划代码不存在", field="code")
    return {**division_out(division), "children": [division_out(c) for c in division_children(division.code)]}


class LookupQuery(Schema):
    address: str = Field("", description="address text; this or `code` is required (else 422)")
    code: str = Field("", description="division code; this or `address` is required (else 422)")
    brand: int | None = None
    category: int | None = None


@router.get("/coverage/lookup", response={200: LookupOut, **READ_ERRORS, **errors(403)})
def lookup(request: HttpRequest, query: Query[LookupQuery]) -> dict:
    """Covering service points for an address or code, or the nearest ones when it is out of coverage."""
    found = coverage_lookup(
        actor=request.user, address=query.address, code=query.code, brand=query.brand, category=query.category
    )
    return {
        "outcome": found.outcome,
        "resolution": resolution_out(query.code or query.address, found.resolution),
        "service_points": found.points,
        "nearest": [{"service_point": p, "distance_km": km} for p, km in found.nearest],
    }


@router.get(
    "/service-points/{point_id}/coverage",
    response={200: list[CoverageAreaOut], **READ_ERRORS, **errors(403, 404)},
)
def coverage_list(request: HttpRequest, point_id: int) -> list:
    point = service_point_get_for(actor=request.user, pk=point_id)
    return list(coverage_list_for(actor=request.user, service_point=point))


@router.post(
    "/service-points/{point_id}/coverage/import",
    response={200: CoverageImportOut, **BODY_ERRORS, **errors(403, 404)},
)
def coverage_import_api(request: HttpRequest, point_id: int, payload: CoverageImportIn) -> dict:
    """Preview (``confirm: false``) or save a pasted coverage list; unresolved items are listed, not saved."""
    point = service_point_get_for(actor=request.user, pk=point_id)
    if not payload.confirm:
        return {"saved": False, "lines": [line_out(line) for line in coverage_text_parse(payload.text)]}
    result = coverage_import(
        actor=request.user, service_point=point, text=payload.text, replace=payload.replace
    )
    return {
        "saved": True,
        "lines": [line_out(line) for line in result.skipped],
        "created": result.created,
        "updated": result.updated,
        "removed": result.removed,
    }
