"""GET /api/v1/orders/{number}/report and /reports/{number}/pdf/: the PDF for everyone who may see the
order (its technician, staff, its brand's staff, its customer, the tracking link), 404 for anyone else."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.reports.models import ServiceReport
from anxin.reports.tests.factories import completed_order
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(brand, category, technician) -> WorkOrder:
    return completed_order(technician=technician, photos=1)


def _customer_of(order: WorkOrder, username: str = "cust") -> User:
    user = User.objects.create_user(username=username, role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=user)
    return user


def _user(who: str, order: WorkOrder, request) -> User:
    if who == "customer":
        return _customer_of(order)
    if who == "other_customer":
        return _customer_of(order_file(phone="13900139000"), username="cust2")
    if who == "other_brand_staff":
        user = User.objects.create_user(username="bs2", role=Role.BRAND_STAFF)
        user.brands.add(request.getfixturevalue("other_brand"))
        return user
    found = request.getfixturevalue(who)
    return getattr(found, "user", found)  # the technician fixtures are Technician rows


ALLOWED = ["technician", "agent", "dispatcher", "admin_user", "brand_staff", "customer"]
DENIED = ["other_technician", "other_brand_staff", "other_customer", "outsider"]


@pytest.mark.parametrize("who", ALLOWED)
def test_everyone_who_may_see_the_order_gets_the_pdf_from_the_api(order, who, request, api_client, token_for):
    response = api_client(token_for(_user(who, order, request))).get(f"/api/v1/orders/{order.number}/report")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.getvalue()
    assert body.startswith(b"%PDF-")
    report = ServiceReport.objects.get(order=order)
    assert response["X-Report-SHA256"] == report.sha256 == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize("who", DENIED)
def test_anyone_else_gets_404_from_the_api_as_for_the_order(order, who, request, api_client, token_for):
    client = api_client(token_for(_user(who, order, request)))

    response = client.get(f"/api/v1/orders/{order.number}/report")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert response.json()["field"] == "number"
    assert client.get(f"/api/v1/orders/{order.number}").status_code == 404  # the same answer
    assert not ServiceReport.objects.exists()


def test_without_a_token_the_api_answers_401(order):
    assert Client().get(f"/api/v1/orders/{order.number}/report").status_code == 401


def test_the_api_says_409_before_the_order_is_completed(brand, category, agent, api_client, token_for):
    order = order_file()

    response = api_client(token_for(agent)).get(f"/api/v1/orders/{order.number}/report")

    assert response.status_code == 409
    assert (response.json()["error"], response.json()["field"]) == ("report_not_ready", "number")


def test_a_second_download_is_the_same_file(order, agent, api_client, token_for):
    client = api_client(token_for(agent))
    first = client.get(f"/api/v1/orders/{order.number}/report").getvalue()
    second = client.get(f"/api/v1/orders/{order.number}/report").getvalue()

    assert first == second
    assert ServiceReport.objects.filter(order=order).count() == 1


def test_the_customer_opens_it_from_the_tracking_link(order):
    url = f"/reports/{order.number}/pdf/"

    response = Client().get(url, {"t": order.tracking_token})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    assert Client().get(url, {"t": "x" * 32}).status_code == 404
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("who", ["technician", "brand_staff", "customer"])
def test_signed_in_users_of_the_order_open_the_page_link(order, who, request):
    client = Client()
    client.force_login(_user(who, order, request))

    assert client.get(f"/reports/{order.number}/pdf/").status_code == 200


@pytest.mark.parametrize("who", DENIED)
def test_signed_in_users_of_other_orders_get_404_from_the_page_link(order, who, request):
    client = Client()
    client.force_login(_user(who, order, request))

    assert client.get(f"/reports/{order.number}/pdf/").status_code == 404


def test_the_customer_page_links_the_report_once_the_order_is_completed(order, brand, category):
    page = Client().get(f"/track/{order.number}/", {"t": order.tracking_token}).content.decode()
    assert f"/reports/{order.number}/pdf/?t={order.tracking_token}" in page
    assert "服务报告 PDF" in page

    open_order = order_file(phone="13900139000")
    page = Client().get(f"/track/{open_order.number}/", {"t": open_order.tracking_token}).content.decode()
    assert "/pdf/" not in page


def test_the_staff_order_page_has_the_download_button(order, agent):
    client = Client()
    client.force_login(agent)

    page = client.get(f"/orders/{order.number}/").content.decode()

    assert f'href="/reports/{order.number}/pdf/"' in page


def test_a_server_that_cannot_make_pdfs_answers_503_not_500(order, agent, api_client, token_for, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as when pango or WeasyPrint is missing

    response = api_client(token_for(agent)).get(f"/api/v1/orders/{order.number}/report")

    assert response.status_code == 503
    assert response.json()["error"] == "report_unavailable"
    assert not ServiceReport.objects.exists()
