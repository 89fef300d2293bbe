"""Demo visits: the shipped standards, and recorded visits for the demo orders a technician has reached.

The lead calls ``visits_demo_load()`` from seed_demo after the orders exist. It is idempotent: an order
that already has a visit is left alone. Orders past the visit (completed) get their history written
directly, as it would have been recorded on site; the services refuse writes after completion.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from anxin.visits.choices import InspectionStatus, ItemKind, VisitKind
from anxin.visits.models import Diagnosis, Inspection
from anxin.visits.selectors import fault_codes_for_order, templates_for_order
from anxin.visits.services import (
    ON_SITE_STATUSES,
    StandardsLoaded,
    _result_save,
    result_judge,
    standards_load,
)
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder

# Answers per checklist key: a realistic visit with one or two findings each (photo items are left to
# the phone; demo items of kind photo are recorded as taken without a picture file).
ANSWERS: dict[str, dict[str, Any]] = {
    "gas-water-heater-inspection": {
        "gas_leak": True,
        "gas_hose": "aged",
        "flue": True,
        "co_ppm": "6",
        "ignition": False,
        "flame": "yellow",
        "flame_failure": True,
        "water_pressure": "0.72",
        "water_filter": False,
        "scale": "heavy",
        "anode": "na",
        "earth_leakage": "0.21",
        "exhaust_fan": True,
        "overheat": True,
        "notes": "点火针积碳，热交换器水垢较多",
    },
    "disinfection-cabinet-inspection": {
        "power_panel": True,
        "uv_lamp": False,
        "ozone": True,
        "heater": True,
        "chamber_temp": "112",
        "thermostat": True,
        "door_seal": "aged",
        "interlock": True,
        "fan": True,
        "earth_leakage": "0.18",
        "notes": "门封条老化变形，关门后有缝隙",
    },
    "safe-inspection": {
        "keypad": True,
        "lock_motor": False,
        "bolts": True,
        "hinges": True,
        "emergency_key": True,
        "battery_voltage": "4.6",
        "anchoring": "loose",
        "alarm": "ok",
        "door_gap": True,
        "notes": "",
    },
}
DIAGNOSES: dict[str, tuple[list[str], str]] = {
    "water-heater": (["E1"], "点火针积碳、位置偏移，导致点火失败；水垢使出水温度波动"),
    "disinfection-cabinet": (["E5"], "紫外线灯管老化不亮；门封条老化导致温度达不到要求"),
    "safe": (["E1", "E2"], "电池电压过低，锁电机无法带动锁舌"),
}


def _visit_write(order: WorkOrder, when: dt.datetime) -> bool:
    templates = [t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION]
    if not templates or order.technician is None or order.inspections.exists():
        return False
    template, actor = templates[0], order.technician.user
    inspection = Inspection.objects.create(
        order=order, template=template, kind=template.kind, started_by=actor, started_at=when
    )
    answers = ANSWERS.get(template.key, {})
    for item in template.items.order_by("position"):
        if item.kind == ItemKind.PHOTO:
            continue
        if item.code in answers:
            _result_save(
                inspection=inspection, item=item, judged=result_judge(item, answers[item.code]), actor=actor
            )
    Inspection.objects.filter(pk=inspection.pk).update(
        status=InspectionStatus.COMPLETED, completed_at=when + dt.timedelta(minutes=25)
    )
    codes, cause = DIAGNOSES.get(order.category.code if order.category else "", ([], ""))
    known = {c.code: c for c in fault_codes_for_order(order=order)}
    diagnosis = Diagnosis.objects.create(
        order=order, cause=cause, recorded_by=actor, recorded_at=when + dt.timedelta(minutes=30)
    )
    diagnosis.fault_codes.set([known[c] for c in codes if c in known])
    return True


@transaction.atomic
def visits_demo_load() -> tuple[StandardsLoaded, int]:
    """Load the standards, then record a visit on every demo order past its diagnosis that has none."""
    loaded = standards_load()
    # Orders still on site are left for the demo's technician to inspect live on his phone.
    reached = (ON_SITE_STATUSES - {Status.ON_SITE}) | {Status.COMPLETED, Status.FOLLOWED_UP, Status.CLOSED}
    written = 0
    orders = WorkOrder.objects.filter(status__in=reached).select_related(
        "category", "brand", "device", "technician__user"
    )
    for order in orders:
        arrived = order.events.filter(event=Event.ARRIVE).order_by("created_at").first()
        written += _visit_write(order, arrived.created_at if arrived else timezone.now())
    return loaded, written
