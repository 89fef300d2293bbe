"""The security assessment: a risk score from failed items weighted by severity, findings ranked."""

from __future__ import annotations

import pytest

from anxin.catalog.models import Brand, ProductCategory, ProductModel
from anxin.visits.choices import VisitKind
from anxin.visits.selectors import assessment_of, visit_assessment_for, visit_summary_for
from anxin.visits.services import standards_load
from anxin.visits.tests.factories import inspection_fill, on_site_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def safe_order(technician):
    standards_load()
    brand = Brand.objects.create(code="qianbaishi", name="千百饰")
    safe = ProductCategory.objects.get(code="safe")
    ProductModel.objects.create(brand=brand, category=safe, code="BGX-45D", name="电子密码保险柜")
    technician.brands.add(brand)
    technician.categories.add(safe)
    return on_site_order(technician=technician, brand="千百饰", category="保险柜", model="BGX-45D")


def test_a_clean_assessment_scores_zero(safe_order, technician):
    inspection = inspection_fill(order=safe_order, actor=technician.user, kind=VisitKind.SECURITY)
    assessment = assessment_of(inspection=inspection)
    assert (assessment.score, assessment.level, assessment.findings) == (0, "low", [])


def test_findings_are_ranked_by_severity_with_their_fix(safe_order, technician):
    inspection = inspection_fill(
        order=safe_order, actor=technician.user, kind=VisitKind.SECURITY,
        answers={"hidden_location": False, "battery_voltage": "4.2", "anchoring": "loose", "lockout": False},
    )  # fmt: skip
    assessment = assessment_of(inspection=inspection)
    assert [(f.code, f.severity) for f in assessment.findings] == [
        ("anchoring", "critical"),
        ("lockout", "high"),
        ("battery_voltage", "medium"),
        ("hidden_location", "low"),
    ]
    assert assessment.findings[0].fix.startswith("用膨胀螺栓固定")
    assert assessment.findings[2].out_of_range is True
    # weights: critical 10 + high 6 + medium 3 + low 1 = 20 of the checklist's total
    total = (
        10 + 10 + 6 + 6 + 6 + 6 + 3 + 3 + 3 + 1
    )  # anchoring, code, lockout, key, bolts, gap, alarm, battery, hinges, location
    assert assessment.score == round(100 * 20 / total)
    assert assessment.level == "high"  # a critical finding, whatever the score


def test_the_score_grows_with_severity_not_with_the_count(safe_order, technician):
    minor = inspection_fill(
        order=safe_order, actor=technician.user, kind=VisitKind.SECURITY,
        answers={"hidden_location": False, "hinges": False},
    )  # fmt: skip
    major = inspection_fill(
        order=safe_order, actor=technician.user, kind=VisitKind.SECURITY, answers={"code_changed": False}
    )
    assert assessment_of(inspection=major).score > assessment_of(inspection=minor).score
    assert assessment_of(inspection=minor).level == "low"


def test_the_report_reads_the_latest_completed_assessment(safe_order, technician):
    assert visit_assessment_for(safe_order) is None
    inspection_fill(
        order=safe_order, actor=technician.user, kind=VisitKind.SECURITY, answers={"bolts": False}
    )
    summary = visit_summary_for(safe_order)
    assert summary["assessment"]["findings"][0]["code"] == "bolts"
    assert summary["assessment"]["completed"] is True
    assert summary["checklist"] is None  # the assessment is not the repair checklist
