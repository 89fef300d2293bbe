"""Visit photos through resumable uploads (purpose ``visit_photo``): the same people and rules as the photo
form, a photo on the order exactly once, and a refusal of the finished file that loses nothing."""

from __future__ import annotations

import pytest

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.uploads.models import Upload
from anxin.uploads.tests.helpers import create, head, patch, send_all
from anxin.visits.choices import VisitKind
from anxin.visits.models import VisitPhoto
from anxin.visits.selectors import templates_for_order
from anxin.visits.services import inspection_start
from anxin.visits.tests.factories import jpeg_bytes, on_site_order
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(technician, product_model):
    order = on_site_order(technician=technician)
    owner = User.objects.create_user(username="owner", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    return order


@pytest.fixture
def as_user(api_client, token_for):
    return lambda user: api_client(token_for(user))


def _photo(order, **extra):
    return {
        "purpose": "visit_photo",
        "target": order.number,
        "filetype": "image/jpeg",
        "filename": "冰箱.jpg",
        **extra,
    }


def test_the_technician_sends_a_photo_in_chunks_and_it_is_on_the_order_once(order, technician, as_user):
    client = as_user(technician.user)
    data = jpeg_bytes(640, 480)
    created = create(client, length=len(data), **_photo(order, role="before"))
    assert created.status_code == 201, created.content
    url = created["Location"]
    last = send_all(client, url, data, chunk=max(1, len(data) // 3))

    photo = VisitPhoto.objects.get(order=order)
    assert photo.role == "before" and photo.taken_by == technician.user
    assert last["Anxin-Upload-Result"] == (
        f'{{"photo_id":{photo.pk},"attachment_id":{photo.attachment_id},"role":"before"}}'
    )
    assert patch(client, url, offset=0, data=data[:10]).status_code == 409  # a retry: nothing new
    assert head(client, url)["Upload-Offset"] == str(len(data))
    assert VisitPhoto.objects.filter(order=order).count() == 1


def test_an_item_photo_answers_the_checklist_item(order, technician, as_user):
    template = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    run = inspection_start(actor=technician.user, order=order, template=template)
    item = run.template.items.filter(kind="photo").first()
    assert item is not None
    client = as_user(technician.user)
    data = jpeg_bytes()
    meta = _photo(order, role="item", inspection_id=str(run.pk), item_code=item.code)
    url = create(client, length=len(data), **meta)["Location"]
    send_all(client, url, data, chunk=len(data))
    photo = VisitPhoto.objects.get(order=order)
    assert (photo.role, photo.inspection_id, photo.item_id) == ("item", run.pk, item.pk)


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_technician", 404), ("customer", 403), ("agent", 403), ("outsider", 403)],
)
def test_people_who_may_not_take_photos_are_refused_before_any_byte(order, as_user, request, who, status):
    if who == "customer":
        user = User.objects.get(username="owner")
    else:
        person = request.getfixturevalue(who)
        user = getattr(person, "user", person)
    response = create(as_user(user), length=100, **_photo(order, role="before"))
    assert response.status_code == status
    assert not Upload.objects.exists()


def test_a_photo_is_refused_when_the_order_is_not_on_site(order, technician, as_user):
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.COMPLETED)
    response = create(as_user(technician.user), length=100, **_photo(order, role="before"))
    assert (response.status_code, response.json()["error"]) == (409, "not_on_site")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"role": "selfie"}, "role"),
        ({"role": "item"}, "inspection_id"),
        ({"role": "item", "inspection_id": "x"}, "inspection_id"),
    ],
)
def test_bad_photo_metadata_is_named(order, technician, as_user, extra, field):
    response = create(as_user(technician.user), length=100, **_photo(order, **extra))
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_a_finished_file_that_is_not_an_image_is_refused_and_the_last_chunk_can_be_sent_again(
    order, technician, as_user
):
    client = as_user(technician.user)
    junk = b"not a jpeg at all" * 10
    url = create(client, length=len(junk), **_photo(order, role="before"))["Location"]
    patch(client, url, offset=0, data=junk[:100])
    refused = patch(client, url, offset=100, data=junk[100:])
    assert refused.status_code == 422, refused.content
    assert refused.json()["field"] == "file"
    assert Upload.objects.get().offset == 100  # the refused chunk did not count
    assert not VisitPhoto.objects.exists()
