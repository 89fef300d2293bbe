"""Trust actions in the permission walk (anxin/backoffice/tests/test_permission_table.py).

The badge page is always the signed-in technician's own (a list-like action: no object to be outside
of), so every technician may open his and every other role hears 403. A review names one suspect
of the walk's brand: brand staff of another brand hear 404 (the lookup is scoped), roles without the
grant 403 before any lookup.
"""

from __future__ import annotations

import json

from anxin.accounts.models import User
from anxin.backoffice.tests.permission_walk import Case, World, api_client, signed_in
from anxin.trust.services import ReportInput, report_submit


def _badge(w: World, user: User) -> int:
    return signed_in(user).get("/trust/badge/").status_code


def _review(w: World, user: User) -> int:
    report = report_submit(
        data=ReportInput(kind="phone", value="400-600-1234", where_seen="search", brand_code=w.brand.code)
    )
    body = json.dumps({"status": "confirmed"})
    url = f"/api/v1/trust/suspects/{report.suspect_id}/review"
    return api_client(user).post(url, body, content_type="application/json").status_code


CASES: dict[str, Case] = {
    "trust.badge": Case(_badge, narrowed=frozenset()),
    "trust.review_reports": Case(_review, hidden=True),
}
