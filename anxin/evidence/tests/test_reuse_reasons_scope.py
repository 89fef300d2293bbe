"""A reused photo's reason names the earlier claim only to viewers who may see that claim."""

from __future__ import annotations

import json
import zipfile

import pytest

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.evidence import services
from anxin.evidence.choices import EventKind, EvidenceKind
from anxin.evidence.presenters import OTHER_BRAND_CLAIM

from .factories import genuine_bytes, make_buyer, make_claim

BASE = "/api/v1/claims"


@pytest.fixture
def other_brand_staff(other_brand):
    user = User.objects.create_user(username="otherstaff", password="pw", role=Role.BRAND_STAFF)
    user.brands.add(other_brand)
    return user


def _upload(claim, actor, capture) -> None:
    with capture(execute=True):
        services.evidence_add(
            actor=actor, claim=claim, kind=EvidenceKind.CLAIM_PHOTO, data=genuine_bytes(), filename="p.jpg"
        )


@pytest.fixture
def reused(db, brand, other_brand, django_capture_on_commit_callbacks):
    """The same photo first in another brand's claim, then in a claim on ``brand``."""
    first_buyer, second_buyer = make_buyer("first"), make_buyer("second")
    earlier = make_claim(buyer=first_buyer, brand=other_brand)
    _upload(earlier, first_buyer, django_capture_on_commit_callbacks)
    later = make_claim(buyer=second_buyer, brand=brand)
    _upload(later, second_buyer, django_capture_on_commit_callbacks)
    later.refresh_from_db()
    signals = later.files.get().analysis.signals
    assert any(earlier.number in reason for reason in signals["reasons_zh"])  # the engine names it
    return earlier, later


def _reasons(body: dict) -> str:
    return " ".join(reason for f in body["files"] for reason in f["reasons"])


def test_staff_of_one_brand_do_not_see_another_brands_claim_number(reused, brand_staff, client_for):
    earlier, later = reused

    body = client_for(brand_staff).get(f"{BASE}/{later.number}").json()

    assert earlier.number not in json.dumps(body, ensure_ascii=False)
    assert OTHER_BRAND_CLAIM in _reasons(body)


def test_the_review_page_says_another_brand_instead_of_the_number(reused, brand_staff, client):
    earlier, later = reused
    client.force_login(brand_staff)

    page = client.get(f"/claims/{later.number}/review/").content.decode()

    assert earlier.number not in page
    assert OTHER_BRAND_CLAIM in page


def test_the_bundle_redacts_the_number_in_report_and_timeline(reused, brand_staff):
    earlier, later = reused

    with zipfile.ZipFile(services.claim_bundle(claim=later, viewer=brand_staff)) as archive:
        everything = "".join(
            archive.read(name).decode() for name in ("report.html", "timeline.json", "manifest.json")
        )

    assert later.number in everything
    assert earlier.number not in everything
    assert OTHER_BRAND_CLAIM in everything


def test_staff_who_see_both_brands_get_the_number(reused, brand_staff, other_brand, client_for):
    earlier, later = reused
    brand_staff.brands.add(other_brand)

    body = client_for(brand_staff).get(f"{BASE}/{later.number}").json()

    assert earlier.number in _reasons(body)


def test_the_platform_sees_the_number(reused, agent, client_for):
    earlier, later = reused

    assert earlier.number in _reasons(client_for(agent).get(f"{BASE}/{later.number}").json())


def test_the_earlier_brand_cannot_open_the_later_claim_at_all(reused, other_brand_staff, client_for):
    _, later = reused

    assert client_for(other_brand_staff).get(f"{BASE}/{later.number}").status_code == 404


def test_the_buyer_bundle_carries_no_analysis(reused):
    earlier, later = reused
    buyer = later.buyer.user

    with zipfile.ZipFile(services.claim_bundle(claim=later, viewer=buyer)) as archive:
        names = archive.namelist()
        timeline = json.loads(archive.read("timeline.json"))
        report = archive.read("report.html").decode()

    assert not [n for n in names if n.startswith("heatmaps/")]
    analysed = [e for e in timeline if e["kind"] == EventKind.ANALYZED]
    assert analysed and all("reasons" not in e["data"] for e in analysed)
    assert earlier.number not in report
