"""Diagnosis: codes from the brand's table for the device (model codes first), the cause encrypted."""

from __future__ import annotations

import pytest
from django.db import connection

from anxin.catalog.models import FaultCode
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.visits.selectors import fault_codes_for_order, visit_summary_for
from anxin.visits.services import diagnosis_record
from anxin.visits.tests.factories import inspection_fill, on_site_order
from anxin.workorders.choices import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(technician, product_model):  # the model first: the loader gives its brand the codes
    return on_site_order(technician=technician)


def test_the_models_own_codes_come_first_and_other_models_codes_are_left_out(
    order, product_model, other_brand
):
    from anxin.catalog.models import ProductModel

    FaultCode.objects.create(
        brand=product_model.brand, category=product_model.category, product_model=product_model, code="H1",
        name="108A 显示板故障",
    )  # fmt: skip
    other = ProductModel.objects.create(
        brand=product_model.brand, category=product_model.category, code="X9", name="x"
    )
    FaultCode.objects.create(
        brand=product_model.brand, category=product_model.category, product_model=other, code="H2", name="x"
    )
    FaultCode.objects.create(brand=other_brand, category=product_model.category, code="Z1", name="其他品牌")
    codes = [c.code for c in fault_codes_for_order(order=order)]
    assert codes[0] == "H1" and "H2" not in codes and "Z1" not in codes
    assert codes[1:] == ["E1", "E2", "E3", "E4", "E5", "E6", "E7"]


def test_a_diagnosis_needs_the_finished_checklist_first(order, technician):
    with pytest.raises(Conflict) as refused:
        diagnosis_record(actor=technician.user, order=order, fault_codes=["E5"], cause="")
    assert refused.value.code == "checklist_required"


def test_recording_it_moves_the_order_to_diagnosed_and_the_cause_is_encrypted(order, technician):
    inspection_fill(order=order, actor=technician.user)
    diagnosis = diagnosis_record(
        actor=technician.user, order=order, fault_codes=["e5", "E4"], cause="灯管老化，客户家潮湿"
    )
    order.refresh_from_db()
    assert order.status == Status.DIAGNOSED
    assert order.events.filter(event="diagnose").count() == 1
    assert sorted(c.code for c in diagnosis.fault_codes.all()) == ["E4", "E5"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cause FROM visits_diagnosis WHERE id = %s", [diagnosis.pk])
        assert "潮湿" not in cursor.fetchone()[0]
    # A correction while still on the job keeps one diagnosis and no second transition.
    diagnosis_record(actor=technician.user, order=order, fault_codes=["E5"], cause="灯管老化")
    summary = visit_summary_for(order)["diagnosis"]
    assert ([c["code"] for c in summary["fault_codes"]], summary["cause"]) == (["E5"], "灯管老化")
    assert order.events.filter(event="diagnose").count() == 1


def test_a_code_outside_the_brands_table_is_refused(order, technician, other_brand, category):
    inspection_fill(order=order, actor=technician.user)
    FaultCode.objects.create(brand=other_brand, category=category, code="Z1", name="其他品牌的代码")
    for codes in (["Z1"], ["E99"]):
        with pytest.raises(ValidationFailed) as refused:
            diagnosis_record(actor=technician.user, order=order, fault_codes=codes, cause="")
        assert (refused.value.code, refused.value.field) == ("unknown_fault_code", "fault_codes")


def test_neither_code_nor_cause_is_refused(order, technician):
    inspection_fill(order=order, actor=technician.user)
    with pytest.raises(ValidationFailed) as refused:
        diagnosis_record(actor=technician.user, order=order, fault_codes=[" "], cause="  ")
    assert refused.value.field == "fault_codes"


def test_only_the_assigned_technician_diagnoses(order, other_technician, dispatcher):
    for actor in (other_technician.user, dispatcher):
        with pytest.raises(PermissionDenied):
            diagnosis_record(actor=actor, order=order, fault_codes=["E5"], cause="")
