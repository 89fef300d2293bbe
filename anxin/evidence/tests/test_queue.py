"""The claim review queue: filters, pages that keep them, 400 on bad values, CSV in the reviewer's scope."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from anxin.core import listing
from anxin.evidence.choices import ClaimStatus
from anxin.evidence.models import Claim

from .factories import make_claim

QUEUE = reverse("evidence:queue")
EXPORT = reverse("evidence:queue_export")


@pytest.fixture
def claims(buyer, brand, other_brand):
    made = {}
    for key, claim_brand, status in (
        ("review", brand, ClaimStatus.REVIEW),
        ("appealed", brand, ClaimStatus.APPEALED),
        ("approved", brand, ClaimStatus.APPROVED),
        ("theirs", other_brand, ClaimStatus.REVIEW),
    ):
        claim = make_claim(buyer=buyer, brand=claim_brand)
        Claim.objects.filter(pk=claim.pk).update(status=status)
        made[key] = claim
    Claim.objects.filter(pk=made["approved"].pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    return made


def _numbers(response) -> set[str]:
    return {c.number for c in response.context["claims"]}


def test_the_filters_narrow_the_queue(client, admin_user, claims, other_brand):
    client.force_login(admin_user)
    today = timezone.localdate().isoformat()

    to_decide = client.get(QUEUE, {"status": "to_decide"})
    approved = client.get(QUEUE, {"status": ClaimStatus.APPROVED})
    theirs = client.get(QUEUE, {"brand": other_brand.code})
    recent = client.get(QUEUE, {"created_from": today})

    assert _numbers(to_decide) == {claims[k].number for k in ("review", "appealed", "theirs")}
    assert _numbers(approved) == {claims["approved"].number}
    assert _numbers(theirs) == {claims["theirs"].number}
    assert claims["approved"].number not in _numbers(recent) and len(_numbers(recent)) == 3


def test_brand_staff_wait_only_on_their_brands_reviews(client, brand_staff, claims):
    client.force_login(brand_staff)

    assert _numbers(client.get(QUEUE, {"status": "to_decide"})) == {claims["review"].number}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"brand": "changerte"}, "brand"),
        ({"created_to": "yesterday"}, "created_to"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(client, brand_staff, other_brand, params, field):
    client.force_login(brand_staff)  # "changerte" exists, but is not one of this reviewer's brands

    page = client.get(QUEUE, params)
    export = client.get(EXPORT, params)

    assert page.status_code == 400 and field in page.content.decode()
    assert export.status_code == 400


def test_pages_keep_the_filters(client, admin_user, claims, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    client.force_login(admin_user)

    first = client.get(QUEUE, {"status": "to_decide"})
    second = client.get(QUEUE, {"status": "to_decide", "page": "2"})

    assert len(_numbers(first)) == 2 and len(_numbers(second)) == 1
    assert "?status=to_decide&amp;page=2" in first.content.decode()


def test_an_empty_queue_says_so(client, brand_staff):
    client.force_login(brand_staff)

    html = client.get(QUEUE).content.decode()

    assert 'class="empty-state"' in html and 'id="claim-export"' not in html


def test_the_csv_has_the_reviewers_claims_only_with_a_bom(client, brand_staff, claims):
    client.force_login(brand_staff)

    response = client.get(EXPORT)

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][0] == "编号"
    assert {r[0] for r in rows[1:]} == {claims[k].number for k in ("review", "appealed", "approved")}
    assert "13800000000" not in body  # the buyer's phone is nowhere in the export


def test_people_who_may_not_review_may_not_export(client, dispatcher, buyer):
    for user in (dispatcher, buyer):
        client.force_login(user)
        assert client.get(EXPORT).status_code == 403
