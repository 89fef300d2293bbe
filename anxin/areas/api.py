"""/api/v1/areas: resolve addresses and read divisions (coverage lookup and import: ``anxin.network.api``).

Every operation needs a signed-in user or an API token: ``/resolve`` is cheap but takes customers' addresses
and is a CPU sink if left open (docs/adr/0033-areas-api-and-coverage.md).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router

from anxin.accounts.auth import api_auth
from anxin.areas.resolver import Resolution, resolve
from anxin.areas.schemas import DivisionDetailOut, ResolveIn, ResolveOut
from anxin.areas.selectors import division_children, division_get
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


@router.post("/resolve", response={200: ResolveOut, **BODY_ERRORS})
def resolve_batch(request: HttpRequest, payload: ResolveIn) -> dict:
    """Resolve up to 1,000 texts to divisions, in order."""
    return {"results": [resolution_out(text, resolve(text)) for text in payload.texts]}


@router.get("/divisions/{code}", response={200: DivisionDetailOut, **READ_ERRORS, **errors(404)})
def division_detail(request: HttpRequest, code: str) -> dict:
    division = division_get(code)
    if division is None:
        raise NotFound(gettext("行政区划代码不存在"), field="code")
    return {**division_out(division), "children": [division_out(c) for c in division_children(division.code)]}
