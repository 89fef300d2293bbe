"""Completion requires the whole visit: each requirement missing refuses it, on every path, naming it."""

from __future__ import annotations

import pytest
from django.db import connection

from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.parts import services as parts
from anxin.parts.tests.factories import make_part
from anxin.pricing.choices import Decision
from anxin.pricing.selectors import quote_current
from anxin.pricing.services import quote_answer, quote_send, quote_start
from anxin.testing.visits import (
    _fault_code,
    photo_jpeg,
    signature_png,
    visit_diagnose,
    visit_finish,
    visit_price,
    visit_record,
)
from anxin.visits.choices import NoSignatureReason, PhotoRole
from anxin.visits.completion import completion_missing
from anxin.visits.models import SignOff
from anxin.visits.services import diagnosis_record, photo_add, visit_complete
from anxin.visits.tests.factories import inspection_fill, on_site_order
from anxin.workorders.choices import Event, Status
from anxin.workorders.services import workorder_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(technician, product_model):
    return on_site_order(technician=technician)


def _in_repair(order, tech, *, paid=False, before_photo=True):
    order = visit_diagnose(order=order, actor=tech, paid=paid)
    if not before_photo:
        order.visit_photos.filter(role=PhotoRole.BEFORE).delete()
    return visit_price(order=order, actor=tech, paid=paid)


def _refused(order, tech, **kwargs):
    kwargs.setdefault("signature", signature_png())
    with pytest.raises(Conflict) as refused:
        visit_complete(actor=tech, order=order, **kwargs)
    order.refresh_from_db()
    assert order.status != Status.COMPLETED
    assert not SignOff.objects.filter(order=order).exists()
    return refused.value


def test_a_full_visit_completes_with_the_signature_stored_encrypted_and_hashed(order, technician):
    order = visit_record(order=order, actor=technician.user, paid=True)
    assert order.status == Status.COMPLETED
    signoff = SignOff.objects.get(order=order)
    assert len(signoff.signature_sha256) == 64 and signoff.signed_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT signature_png FROM visits_signoff WHERE id = %s", [signoff.pk])
        stored = cursor.fetchone()[0]
    assert not stored.startswith("iVBOR")  # base64 of a PNG would start so: it is encrypted
    assert completion_missing(order) == []


def test_it_is_refused_without_the_checklist(order, technician):
    tech = technician.user
    inspection_fill(order=order, actor=tech, complete=False)
    # the diagnosis itself needs the checklist, so the only way here is the bare transition
    with pytest.raises(Conflict) as refused:
        workorder_transition(order=order, event=Event.DIAGNOSE, actor=tech)
    assert refused.value.code == "diagnosis_required"
    assert "checklist" in [r.key for r in completion_missing(order)]


def test_it_is_refused_without_the_diagnosis(order, technician):
    order = _in_repair(order, technician.user)
    order.diagnosis.delete()
    photo_add(actor=technician.user, order=order, role=PhotoRole.AFTER, data=photo_jpeg(), filename="a.jpg")
    error = _refused(order, technician.user)
    assert error.code == "completion_incomplete" and error.field == "diagnosis"
    assert "已记录诊断" in str(error)


def test_it_is_refused_without_an_after_photo(order, technician):
    order = _in_repair(order, technician.user)
    error = _refused(order, technician.user)
    assert error.field == "after_photo" and "维修后照片" in str(error)


def test_a_paid_repair_is_refused_without_a_before_photo(order, technician):
    order = _in_repair(order, technician.user, paid=True, before_photo=False)
    photo_add(actor=technician.user, order=order, role=PhotoRole.AFTER, data=photo_jpeg(), filename="a.jpg")
    error = _refused(order, technician.user)
    assert error.field == "before_photo"


def test_an_in_warranty_repair_needs_no_before_photo(order, technician):
    order = _in_repair(order, technician.user, before_photo=False)
    visit_finish(order=order, actor=technician.user)
    order.refresh_from_db()
    assert order.status == Status.COMPLETED


def test_it_is_refused_while_a_reserved_part_is_neither_installed_nor_released(order, technician, dispatcher):
    order = _in_repair(order, technician.user)
    part = make_part(order.brand, number="DS-1")
    van = parts.van_of(technician=technician)
    parts.stock_receive(location=van, part=part, quantity=1, actor=dispatcher)
    parts.stock_reserve(order=order, part=part, quantity=1, actor=technician.user)
    photo_add(actor=technician.user, order=order, role=PhotoRole.AFTER, data=photo_jpeg(), filename="a.jpg")
    error = _refused(order, technician.user)
    assert error.field == "parts"


def test_the_repair_cannot_start_before_the_customer_approves(order, technician):
    order = visit_diagnose(order=order, actor=technician.user, paid=True)
    quote = quote_send(
        quote=quote_start(order=order, fault_code=_fault_code(order, covered=False), actor=technician.user),
        actor=technician.user,
    )
    order.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        workorder_transition(order=order, event=Event.START_REPAIR, actor=technician.user)
    assert refused.value.code == "approval_required"
    current = quote_current(order)
    assert current is not None and current.pk == quote.pk
    assert order.status == Status.AWAITING_APPROVAL


def test_it_is_refused_without_the_customers_sign_off(order, technician):
    order = _in_repair(order, technician.user)
    photo_add(actor=technician.user, order=order, role=PhotoRole.AFTER, data=photo_jpeg(), filename="a.jpg")
    with pytest.raises(Conflict) as refused:  # the card's bare button, the API's transitions endpoint …
        workorder_transition(order=order, event=Event.COMPLETE, actor=technician.user)
    assert refused.value.field == "signoff"
    with pytest.raises(ValidationFailed) as empty:
        visit_complete(actor=technician.user, order=order)
    assert empty.value.code == "signature_required"


def test_an_empty_signature_is_refused(order, technician):
    from anxin.pricing.tests.factories import signature_png as drawn

    order = _in_repair(order, technician.user)
    photo_add(actor=technician.user, order=order, role=PhotoRole.AFTER, data=photo_jpeg(), filename="a.jpg")
    with pytest.raises(ValidationFailed) as refused:
        visit_complete(actor=technician.user, order=order, signature=drawn(blank=True))
    assert refused.value.code == "signature_required"


def test_a_recorded_reason_stands_in_for_the_signature(order, technician):
    order = _in_repair(order, technician.user)
    photo_add(actor=technician.user, order=order, role=PhotoRole.AFTER, data=photo_jpeg(), filename="a.jpg")
    signoff = visit_complete(
        actor=technician.user,
        order=order,
        no_signature_reason=NoSignatureReason.CUSTOMER_ABSENT,
        note="家人代收",
    )
    order.refresh_from_db()
    assert order.status == Status.COMPLETED and signoff.signature_sha256 == ""
    assert order.events.get(event=Event.COMPLETE).note == "客户不在场"


def test_only_the_assigned_technician_signs_off(order, technician, other_technician, dispatcher):
    order = _in_repair(order, technician.user)
    for someone in (other_technician.user, dispatcher):
        with pytest.raises(PermissionDenied):
            visit_complete(actor=someone, order=order, signature=signature_png())


def test_a_declined_quote_completes_with_checklist_diagnosis_and_the_decline_only(order, technician):
    tech = technician.user
    inspection_fill(order=order, actor=tech)
    fault = _fault_code(order, covered=False)
    diagnosis_record(actor=tech, order=order, fault_codes=[fault.code], cause="进水")
    order.refresh_from_db()
    quote = quote_send(quote=quote_start(order=order, fault_code=fault, actor=tech), actor=tech)
    order.refresh_from_db()
    with pytest.raises(Conflict) as refused:  # a note alone is not a decline
        workorder_transition(order=order, event=Event.COMPLETE, actor=tech, note="客户说不修了")
    assert refused.value.field == "decline"
    quote_answer(
        quote=quote, decision=Decision.DECLINED, method="on_site", revision=quote.revision, actor=tech
    )
    order.refresh_from_db()
    assert order.status == Status.COMPLETED
