"""/api/v1/trust: the public badge check and report, and the staff's list and review."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anxin.trust.models import FakeChannelReport, SuspectChannel
from anxin.trust.services import ReportInput, badge_photo_set, badge_token_issue, report_submit
from anxin.trust.tests.factories import order_on_the_way, png_bytes

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/trust/badges/check"
REPORTS = "/api/v1/trust/reports"


@pytest.fixture
def badge(technician):
    order = order_on_the_way(technician=technician)
    badge_photo_set(actor=technician.user, technician=technician, data=png_bytes())
    return badge_token_issue(actor=technician.user, technician=technician, order=order)


def test_a_valid_token_answers_with_the_order_the_masked_name_and_the_photo(client, badge):
    body = client.get(CHECK, {"t": badge.token}).json()

    assert body["status"] == "valid" and body["order_number"] == badge.order_number
    assert body["employee_no"] == "T1001" and body["technician_name"].endswith("*")
    assert client.get(body["photo_url"]).status_code == 200


def test_a_token_for_another_order_answers_other_order(client, badge):
    body = client.get(CHECK, {"t": badge.token, "order": "WO20990101001"}).json()

    assert body["status"] == "other_order" and body["order_number"] == badge.order_number


def test_a_forged_token_reveals_nobody(client, badge):
    body = client.get(CHECK, {"t": badge.token[:-4] + "AAAA"}).json()

    assert body["status"] == "forged"
    assert body["technician_name"] == body["employee_no"] == body["photo_url"] == body["order_number"] == ""


def test_a_missing_token_is_a_422_naming_it(client):
    response = client.get(CHECK)

    assert response.status_code == 422 and response.json()["field"] == "t"


def test_a_report_with_a_screenshot_is_created(client, brand):
    shot = SimpleUploadedFile("x.png", png_bytes(), content_type="image/png")
    data = {
        "kind": "phone",
        "value": "400 600 1234",
        "where_seen": "call",
        "brand": brand.code,
        "screenshot": shot,
    }

    response = client.post(REPORTS, data)

    assert response.status_code == 201, response.content
    assert response.json()["report_count"] == 1
    assert FakeChannelReport.objects.get().screenshot


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "fax"}, "kind"),
        ({"value": "12"}, "value"),
        ({"where_seen": "dream"}, "where_seen"),
        ({"brand": "nobody"}, "brand"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_a_bad_report_is_a_422_naming_the_field(client, fields, field):
    data = {"kind": "phone", "value": "400 600 1234", "where_seen": "call", **fields}

    response = client.post(REPORTS, data)

    assert response.status_code == 422 and response.json()["field"] == field


def test_a_bad_screenshot_is_a_422_naming_it(client):
    shot = SimpleUploadedFile("x.png", b"GIF89a not allowed", content_type="image/png")

    response = client.post(
        REPORTS, {"kind": "web", "value": "evil.cn", "where_seen": "sms", "screenshot": shot}
    )

    assert response.status_code == 422 and response.json()["field"] == "screenshot"
    assert not SuspectChannel.objects.exists()


def test_reports_past_the_budget_are_429_with_retry_after(client, settings):
    settings.ANXIN_FAKE_REPORT_RATE = "1/h"
    data = {"kind": "web", "value": "evil.cn", "where_seen": "sms"}

    assert client.post(REPORTS, data).status_code == 201
    response = client.post(REPORTS, data)

    assert response.status_code == 429 and response.json()["error"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_staff_list_is_scoped_and_review_is_recorded(
    api_client, token_for, brand_staff, brand, other_brand, outsider
):
    mine = report_submit(
        data=ReportInput(kind="phone", value="4006001234", where_seen="search", brand_code=brand.code)
    )
    report_submit(
        data=ReportInput(kind="phone", value="4007001234", where_seen="search", brand_code=other_brand.code)
    )
    staff = api_client(token_for(brand_staff))

    listed = staff.get("/api/v1/trust/suspects").json()
    reviewed = staff.post(
        f"/api/v1/trust/suspects/{mine.suspect_id}/review",
        json.dumps({"status": "confirmed"}),
        content_type="application/json",
    )

    assert [s["value"] for s in listed] == ["4006001234"]
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "confirmed"
    assert api_client(token_for(outsider)).get("/api/v1/trust/suspects").status_code == 403
    assert api_client().get("/api/v1/trust/suspects").status_code == 401


def test_the_choices_are_documented_and_checked_by_the_schema(client):
    from anxin.trust.choices import REPORTABLE_KINDS, WhereSeen

    document = client.get("/api/v1/openapi.json").json()
    body = document["paths"]["/api/v1/trust/reports"]["post"]["requestBody"]["content"]["multipart/form-data"]
    properties = body["schema"]["properties"]

    assert set(properties["kind"]["enum"]) == set(REPORTABLE_KINDS)
    assert set(properties["where_seen"]["enum"]) == set(WhereSeen.values)
