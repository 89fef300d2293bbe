"""Filling a checklist: judged at once, frozen once completed (409), only on site."""

from __future__ import annotations

import pytest
from django.db import connection

from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.visits.choices import InspectionStatus, PhotoRole, VisitKind
from anxin.visits.models import InspectionResult, VisitPhoto
from anxin.visits.selectors import inspection_rows, templates_for_order
from anxin.visits.services import inspection_complete, inspection_record, inspection_start, photo_add
from anxin.visits.tests.factories import inspection_fill, jpeg_bytes, on_site_order
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(technician, product_model):  # the model first: the loader gives its brand the codes
    return on_site_order(technician=technician)


@pytest.fixture
def run(order, technician):
    template = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    return inspection_start(actor=technician.user, order=order, template=template)


def _row(inspection, code):
    return next(r for r in inspection_rows(inspection=inspection) if r.item.code == code)


def test_a_reading_outside_its_range_is_flagged_when_recorded(run, technician):
    low = inspection_record(actor=technician.user, inspection=run, item_code="chamber_temp", value="98.5")
    assert (low.out_of_range, low.failed) == (True, True)
    ok = inspection_record(actor=technician.user, inspection=run, item_code="earth_leakage", value="0.3")
    assert (ok.out_of_range, ok.failed) == (False, False)
    assert _row(run, "chamber_temp").value_display == "98.5 °C"


def test_a_failed_check_and_a_failing_choice_count_as_failed(run, technician):
    assert inspection_record(actor=technician.user, inspection=run, item_code="uv_lamp", value="fail").failed
    assert inspection_record(
        actor=technician.user, inspection=run, item_code="door_seal", value="aged"
    ).failed
    assert not inspection_record(
        actor=technician.user, inspection=run, item_code="door_seal", value="ok"
    ).failed


@pytest.mark.parametrize(
    ("code", "value", "error"),
    [
        ("chamber_temp", "hot", "invalid_value"),
        ("chamber_temp", "", "required"),
        ("door_seal", "purple", "invalid_value"),
        ("uv_lamp", "maybe", "invalid_value"),
        ("photo_inside", "x", "photo_item"),
        ("no_such_item", "1", "unknown_item"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(run, technician, code, value, error):
    with pytest.raises(ValidationFailed) as refused:
        inspection_record(actor=technician.user, inspection=run, item_code=code, value=value)
    assert refused.value.code == error
    assert refused.value.field in {"value", "item_code"}


def test_completion_is_refused_while_a_required_item_is_open(run, technician):
    inspection_record(actor=technician.user, inspection=run, item_code="uv_lamp", value="pass")
    with pytest.raises(Conflict) as refused:
        inspection_complete(actor=technician.user, inspection=run)
    assert (refused.value.code, refused.value.status, refused.value.field) == (
        "checklist_incomplete",
        409,
        "items",
    )


def test_a_completed_inspection_refuses_every_change_with_409(order, technician):
    done = inspection_fill(order=order, actor=technician.user)
    assert done.status == InspectionStatus.COMPLETED
    before = list(
        InspectionResult.objects.filter(inspection=done).values_list("item__code", "number", "choice")
    )
    for attempt in (
        lambda: inspection_record(actor=technician.user, inspection=done, item_code="chamber_temp", value="99"),
        lambda: inspection_complete(actor=technician.user, inspection=done),
        lambda: photo_add(
            actor=technician.user, order=order, role=PhotoRole.ITEM, data=jpeg_bytes(), filename="a.jpg",
            inspection=done, item_code="photo_inside",
        ),
    ):  # fmt: skip
        with pytest.raises(Conflict) as refused:
            attempt()
        assert (refused.value.status, refused.value.code) == (409, "inspection_completed")
    after = list(
        InspectionResult.objects.filter(inspection=done).values_list("item__code", "number", "choice")
    )
    assert after == before


def test_starting_twice_resumes_the_open_run(order, run, technician):
    again = inspection_start(actor=technician.user, order=order, template=run.template)
    assert again.pk == run.pk


def test_after_completion_a_new_run_can_start(order, technician):
    first = inspection_fill(order=order, actor=technician.user)
    second = inspection_start(actor=technician.user, order=order, template=first.template)
    assert second.pk != first.pk and second.status == InspectionStatus.IN_PROGRESS


def test_nothing_is_recorded_before_the_technician_arrives(order, run, technician):
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.EN_ROUTE)
    run.order.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        inspection_record(actor=technician.user, inspection=run, item_code="uv_lamp", value="pass")
    assert refused.value.code == "not_on_site"


def test_another_technician_may_not_fill_it(run, other_technician):
    with pytest.raises(PermissionDenied):
        inspection_record(actor=other_technician.user, inspection=run, item_code="uv_lamp", value="pass")


def test_a_photo_item_is_answered_by_its_photo_stored_as_an_attachment(order, run, technician):
    photo = photo_add(
        actor=technician.user, order=order, role=PhotoRole.ITEM, data=jpeg_bytes(), filename="张伟家.jpg",
        inspection=run, item_code="photo_inside",
    )  # fmt: skip
    assert _row(run, "photo_inside").result is not None
    assert photo.attachment.order_id == order.pk and len(photo.attachment.sha256) == 64
    assert photo.attachment.content_type == "image/jpeg"
    with connection.cursor() as cursor:  # the file's own name is personal data: encrypted at rest
        cursor.execute("SELECT filename FROM workorders_attachment WHERE id = %s", [photo.attachment_id])
        assert "张伟" not in cursor.fetchone()[0]


def test_before_and_after_photos_belong_to_the_order(order, technician):
    for role in (PhotoRole.BEFORE, PhotoRole.AFTER):
        photo_add(actor=technician.user, order=order, role=role, data=jpeg_bytes(), filename="p.jpg")
    assert sorted(VisitPhoto.objects.filter(order=order).values_list("role", flat=True)) == [
        "after",
        "before",
    ]


def test_a_file_that_is_not_a_picture_is_refused(order, technician):
    with pytest.raises(ValidationFailed) as refused:
        photo_add(actor=technician.user, order=order, role=PhotoRole.BEFORE, data=b"<svg/>", filename="x.svg")
    assert refused.value.field == "file"
    with pytest.raises(ValidationFailed) as refused:
        photo_add(actor=technician.user, order=order, role="selfie", data=jpeg_bytes(), filename="x.jpg")
    assert refused.value.field == "role"


def test_free_text_answers_are_encrypted_at_rest(run, technician):
    result = inspection_record(
        actor=technician.user, inspection=run, item_code="notes", value="客户家厨房漏水"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM visits_inspectionresult WHERE id = %s", [result.pk])
        assert "漏水" not in cursor.fetchone()[0]


def test_a_photos_name_keeps_no_folder_part(order, technician):
    photo = photo_add(
        actor=technician.user,
        order=order,
        role=PhotoRole.BEFORE,
        data=jpeg_bytes(),
        filename="C:\\Users\\张伟\\门.jpg",
    )
    assert photo.attachment.filename == "门.jpg"
    assert "张伟" not in str(photo.attachment.file.name)
