"""An order's photos open for everyone who may see the order (its technician, staff, its customer, the
tracking link) and are 404 for anyone else; thumbnails for the order page and the technician's card."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.intake.services import IncomingFile
from anxin.workorders.models import Attachment, WorkOrder
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


def _jpeg(size: tuple[int, int] = (1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def order(brand, category, technician) -> WorkOrder:
    order = order_file(
        files=[
            IncomingFile("张伟身份证.jpg", _jpeg(), "image/jpeg"),
            IncomingFile("notes.html", b"<script>alert(1)</script>", "text/html"),
        ]
    )
    WorkOrder.objects.filter(pk=order.pk).update(technician=technician)
    order.refresh_from_db()
    return order


def _photo(order: WorkOrder) -> Attachment:
    return order.attachments.get(content_type="image/jpeg")


def _url(order: WorkOrder, attachment: Attachment, thumb: bool = False) -> str:
    return f"/orders/{order.number}/attachments/{attachment.pk}/" + ("thumb/" if thumb else "")


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _customer_of(order: WorkOrder) -> User:
    user = User.objects.create_user(username="cust", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=user)
    return user


@pytest.mark.parametrize("who", ["technician", "agent", "dispatcher", "brand_staff", "customer"])
def test_everyone_who_may_see_the_order_opens_its_photo(order, who, request):
    user = _customer_of(order) if who == "customer" else request.getfixturevalue(who)
    user = getattr(user, "user", user)  # the technician fixture is the Technician row
    response = _client(user).get(_url(order, _photo(order)))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.getvalue()[:2] == b"\xff\xd8"


@pytest.mark.parametrize("who", ["other_technician", "outsider", "anonymous", "other_customer"])
def test_anyone_else_gets_404(order, who, request, brand, category):
    if who == "anonymous":
        user = None
    elif who == "other_customer":
        other = order_file(phone="13900139000")
        user = User.objects.create_user(username="cust2", role=Role.CUSTOMER)
        Customer.objects.filter(pk=other.customer_id).update(user=user)
    else:
        found = request.getfixturevalue(who)
        user = getattr(found, "user", found)
    assert _client(user).get(_url(order, _photo(order))).status_code == 404
    assert _client(user).get(_url(order, _photo(order), thumb=True)).status_code == 404


def test_the_tracking_link_opens_the_photo_and_a_wrong_token_does_not(order):
    photo = _photo(order)
    assert Client().get(_url(order, photo), {"t": order.tracking_token}).status_code == 200
    assert Client().get(_url(order, photo), {"t": "x" * 32}).status_code == 404


def test_an_attachment_of_another_order_is_404_through_this_one(order, agent, brand, category):
    other = order_file(phone="13900139001", files=[IncomingFile("a.jpg", _jpeg(), "image/jpeg")])
    response = _client(agent).get(_url(order, other.attachments.get()))
    assert response.status_code == 404


def test_the_thumbnail_is_a_small_picture(order, agent):
    response = _client(agent).get(_url(order, _photo(order), thumb=True))
    assert response.status_code == 200
    thumb = Image.open(io.BytesIO(response.content))
    assert max(thumb.size) == 320
    assert "private" in response["Cache-Control"]


def test_a_file_that_is_not_a_picture_is_downloaded_never_rendered(order, agent):
    other = order.attachments.exclude(content_type="image/jpeg").get()
    response = _client(agent).get(_url(order, other))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert _client(agent).get(_url(order, other, thumb=True)).status_code == 404
