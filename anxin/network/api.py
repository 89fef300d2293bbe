"""/api/v1/areas/coverage and /api/v1/areas/service-points: look up and import service-point coverage.

Mounted under /areas, next to the division endpoints of ``anxin.areas.api``, so the paths and operation ids
stayed what they were when coverage lived in areas.
"""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from anxin.accounts.auth import api_auth
from anxin.accounts.requests import AuthedRequest
from anxin.areas.api import resolution_out
from anxin.areas.coverage import CoverageLine, coverage_text_parse
from anxin.core.schemas import errors
from anxin.network.schemas import CoverageAreaOut, CoverageImportIn, CoverageImportOut, LookupOut
from anxin.network.selectors import coverage_list_for, coverage_lookup, service_point_get_for
from anxin.network.services import coverage_import

router = Router(tags=["areas"], auth=api_auth)
READ_ERRORS = errors(401, 422)
BODY_ERRORS = errors(400, 401, 413, 422)


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


class LookupQuery(Schema):
    address: str = Field("", description="address text; this or `code` is required (else 422)")
    code: str = Field("", description="division code; this or `address` is required (else 422)")
    brand: int | None = None
    category: int | None = None


@router.get(
    "/coverage/lookup",
    response={200: LookupOut, **READ_ERRORS, **errors(403)},
    operation_id="anxin_areas_api_lookup",
)
def lookup(request: AuthedRequest, query: Query[LookupQuery]) -> dict:
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
    operation_id="anxin_areas_api_coverage_list",
)
def coverage_list(request: AuthedRequest, point_id: int) -> list:
    point = service_point_get_for(actor=request.user, pk=point_id)
    return list(coverage_list_for(actor=request.user, service_point=point))


@router.post(
    "/service-points/{point_id}/coverage/import",
    response={200: CoverageImportOut, **BODY_ERRORS, **errors(403, 404)},
    operation_id="anxin_areas_api_coverage_import_api",
)
def coverage_import_api(request: AuthedRequest, point_id: int, payload: CoverageImportIn) -> dict:
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
