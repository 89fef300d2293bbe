"""Every role sees exactly its own slice, through the API and through the pages."""

import pytest
from django.test import Client

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file


@pytest.fixture
def orders(brand, other_brand, category, dispatcher, technician):
    mine = order_file(phone="13800000001", brand="乐创")
    theirs = order_file(phone="13800000002", brand="昌尔特")
    workorder_transition(order=mine, event=Event.ACCEPT, actor=dispatcher)
    workorder_transition(order=mine, event=Event.DISPATCH, actor=dispatcher, technician=technician)
    return mine, theirs


@pytest.fixture
def customer_user(orders):
    user = User.objects.create_user(username="cust", role=Role.CUSTOMER)
    customer = Customer.objects.get(pk=orders[0].customer_id)
    customer.user = user
    customer.save()
    return user


def _numbers(client):
    response = client.get("/api/v1/orders?status=")
    assert response.status_code == 200
    return {o["number"] for o in response.json()}


def test_operations_staff_see_every_order(orders, agent, dispatcher, admin_user, api_client, token_for):
    for user in (agent, dispatcher, admin_user):
        assert _numbers(api_client(token_for(user))) == {o.number for o in orders}


def test_brand_staff_see_only_their_brands(orders, brand_staff, api_client, token_for):
    client = api_client(token_for(brand_staff))
    assert _numbers(client) == {orders[0].number}
    assert client.get(f"/api/v1/orders/{orders[1].number}").status_code == 404


def test_technicians_see_only_orders_assigned_to_them(
    orders, technician, other_technician, api_client, token_for
):
    assert _numbers(api_client(token_for(technician.user))) == {orders[0].number}
    other = api_client(token_for(other_technician.user))
    assert _numbers(other) == set()
    assert other.get(f"/api/v1/orders/{orders[0].number}").status_code == 404
    assert (
        other.post(
            f"/api/v1/orders/{orders[0].number}/transitions",
            data={"event": "technician_accept"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_customers_see_only_their_own(orders, customer_user, api_client, token_for):
    client = api_client(token_for(customer_user))
    assert _numbers(client) == {orders[0].number}
    assert client.get(f"/api/v1/orders/{orders[1].number}").status_code == 404


def test_an_outsider_sees_nothing(orders, outsider, api_client, token_for):
    client = api_client(token_for(outsider))
    assert _numbers(client) == set()
    assert client.get(f"/api/v1/orders/{orders[0].number}").status_code == 404
    assert (
        client.post(
            f"/api/v1/orders/{orders[0].number}/reveal",
            data={"field": "contact_phone"},
            content_type="application/json",
        ).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["brand_staff", "other_technician", "outsider"])
def test_pages_hide_orders_outside_the_users_slice(orders, request, who):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)
    client = Client()
    client.force_login(user)
    assert client.get(f"/orders/{orders[1].number}/").status_code == 404
    listing = client.get("/orders/?status=").content.decode()
    assert orders[1].number not in listing


def test_pages_need_a_login(orders):
    response = Client().get(f"/orders/{orders[0].number}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_hotline_console_is_for_call_center_roles_only(orders, technician, brand_staff, agent):
    for user in (technician.user, brand_staff):
        client = Client()
        client.force_login(user)
        assert client.get("/console/").status_code == 403
        assert client.get("/console/caller/?phone=13800000001").status_code == 403
    client = Client()
    client.force_login(agent)
    assert client.get("/console/").status_code == 200


def test_technician_page_reveal_is_audited_and_brand_staff_page_reveal_refused(
    orders, technician, brand_staff
):
    from anxin.core.models import RevealLog

    tech = Client()
    tech.force_login(technician.user)
    response = tech.post(f"/orders/{orders[0].number}/reveal/contact_phone/")
    assert response.status_code == 200 and "13800000001" in response.content.decode()
    assert RevealLog.objects.filter(actor=technician.user).count() == 1
    staff = Client()
    staff.force_login(brand_staff)
    assert staff.post(f"/orders/{orders[0].number}/reveal/contact_phone/").status_code == 403
