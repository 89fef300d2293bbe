"""Demo visits on top of seed_demo: the orders a technician has reached get a real-looking visit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from anxin.visits.choices import InspectionStatus
from anxin.visits.demo import visits_demo_load
from anxin.visits.models import Diagnosis, Inspection
from anxin.visits.selectors import visit_summary_for
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_demo_orders_past_arrival_get_a_completed_visit_once(settings):
    # seed_demo loads the standards and records the visits of the orders it takes past the arrival
    # through the services (anxin/demo/visits.py); the loader then has nothing left to write.
    settings.DEBUG = True
    call_command("seed_demo")
    reached = WorkOrder.objects.filter(
        status__in=[Status.DIAGNOSED, Status.AWAITING_APPROVAL, Status.IN_REPAIR, Status.COMPLETED]
    )
    assert reached.count() >= 2
    for order in reached:
        summary = visit_summary_for(order)
        assert summary["checklist"]["status"] == InspectionStatus.COMPLETED
        assert any(item["failed"] for item in summary["checklist"]["items"])
        assert summary["diagnosis"]["fault_codes"] and summary["advice"]

    again_loaded, again_written = visits_demo_load()
    assert (again_loaded.templates, again_written) == ([], 0)
    assert (
        Inspection.objects.filter(kind="inspection").count() == Diagnosis.objects.count() == reached.count()
    )
