"""/api/v1/trust: check a badge token and report a fake channel (public); review reports (staff).

Public endpoints answer the same as /verify/: a badge's technician only for a genuine, live token; a
report is rate-limited per client address (429 with Retry-After), and every refusal names its field.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import File, Form, Query, Router, Status

from anxin.accounts.auth import api_auth
from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.ratelimit import ratelimit
from anxin.core.schemas import errors
from anxin.trust import selectors, services
from anxin.trust.models import SuspectChannel
from anxin.trust.permissions import REVIEW_REPORTS
from anxin.trust.schemas import (
    BadgeCheckOut,
    BadgeCheckQuery,
    ReportOut,
    ReviewIn,
    ScreenshotFile,
    SuspectOut,
    SuspectsQuery,
)
from anxin.trust.services import MAX_CONTACT_CHARS, MAX_NOTE_CHARS, MAX_VALUE_CHARS

router = Router(tags=["trust"], auth=api_auth)
ReportKind = Literal["phone", "web"]
WhereSeenValue = Literal["search", "map", "call", "sms", "social", "flyer", "other"]
SUSPECTS_LIMIT = 200


@router.get("/badges/check", auth=None, response={200: BadgeCheckOut, **errors(422)})
def badge_check(request: Any, query: Query[BadgeCheckQuery]) -> dict[str, Any]:
    """Is this badge token genuine, live, and for ``order``? Public: the token is the key."""
    t = query.t
    check = services.badge_token_check(token=t, expected_order=query.order)
    photo = check.shows_photo and check.technician is not None and bool(check.technician.photo)
    return {
        "status": check.status,
        "order_number": check.order_number,
        "technician_name": check.masked_name if check.shows_photo else "",
        "employee_no": check.employee_no if check.shows_photo else "",
        "service_point": check.service_point if check.shows_photo else "",
        "order_label": check.order_label,
        "photo_url": services.badge_photo_path(token=t) if photo else "",
        "expires_at": check.expires_at,
    }


@router.post("/reports", auth=None, response={201: ReportOut, **errors(400, 413, 422, 429)})
@ratelimit(scope="fake-report", rate_setting="ANXIN_FAKE_REPORT_RATE")
def report_create(
    request: Any,
    kind: ReportKind = Form(...),  # noqa: B008 - ninja declares parameters by their defaults
    value: str = Form(..., min_length=1, max_length=MAX_VALUE_CHARS),  # noqa: B008
    where_seen: WhereSeenValue = Form(...),  # noqa: B008
    note: str = Form("", max_length=MAX_NOTE_CHARS),  # noqa: B008
    contact: str = Form("", max_length=MAX_CONTACT_CHARS),  # noqa: B008
    brand: str = Form("", max_length=40),  # noqa: B008
    screenshot: File[ScreenshotFile] = None,  # type: ignore[assignment]  # optional upload
) -> Status:
    """Report a suspected fake phone number or web address (multipart form; screenshot optional).

    ``brand``: the code of the brand it pretends to be, if known. Beyond the document, the value must be
    what ``kind`` says (a phone's digits, a web address) and not an official channel, the brand must exist,
    and the screenshot must be a picture: each refusal is a 422 naming its field.
    """
    data = services.ReportInput(
        kind=kind,
        value=value,
        where_seen=where_seen,
        note=note,
        contact=contact,
        brand_code=brand,
        screenshot=screenshot.read() if screenshot is not None else None,
    )
    user = request.user if request.user.is_authenticated else None
    report = services.report_submit(data=data, reporter=user)
    report.suspect.refresh_from_db(fields=["report_count"])
    return Status(
        201, {"id": report.pk, "suspect_id": report.suspect_id, "report_count": report.suspect.report_count}
    )


def _suspect_out(suspect: SuspectChannel) -> dict[str, Any]:
    return {
        "id": suspect.pk,
        "kind": suspect.kind,
        "value": suspect.value,
        "brand": suspect.brand.name if suspect.brand else None,
        "status": suspect.status,
        "report_count": suspect.report_count,
        "first_reported_at": suspect.first_reported_at,
        "last_reported_at": suspect.last_reported_at,
    }


@router.get("/suspects", response={200: list[SuspectOut], **errors(401, 403, 422)})
def suspects_list(request: AuthedRequest, query: Query[SuspectsQuery]) -> list[dict[str, Any]]:
    """Reported numbers and addresses in the caller's scope, newest report first (at most 200)."""
    suspects = selectors.suspects_for(actor=request.auth, status=query.status)[:SUSPECTS_LIMIT]
    return [_suspect_out(s) for s in suspects]


@router.post(
    "/suspects/{suspect_id}/review", response={200: SuspectOut, **errors(400, 401, 403, 404, 409, 413, 422)}
)
def suspect_review(request: AuthedRequest, suspect_id: int, body: ReviewIn) -> dict[str, Any]:
    """Confirm a suspect as fake, dismiss it, or put it back to new."""
    require(request.auth, REVIEW_REPORTS)  # 403 for a role that may never, before the lookup
    suspect = selectors.suspect_get_for(actor=request.auth, suspect_id=suspect_id)
    return _suspect_out(services.suspect_review(actor=request.auth, suspect=suspect, status=body.status))
