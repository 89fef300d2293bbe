"""List pages and list APIs cost the same number of queries for 3 orders as for 30."""

import pytest
from django.test import Client

from anxin.catalog.selectors import brands_all
from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file


def _orders(n, dispatcher, technician):
    for i in range(n):
        order = order_file(phone=f"1380000{i:04d}")
        workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
        workorder_transition(order=order, event=Event.DISPATCH, actor=dispatcher, technician=technician)


@pytest.mark.parametrize("n", [3, 30])
def test_the_order_list_api_does_not_query_per_order(
    n, brand, category, dispatcher, technician, api_client, token_for, django_assert_num_queries
):
    _orders(n, dispatcher, technician)
    client = api_client(token_for(dispatcher))
    client.get("/api/v1/orders")  # first use stamps the token's last_used_at and caches the token
    with django_assert_num_queries(2):  # orders (+ joins), SLA clocks prefetch
        response = client.get("/api/v1/orders")
    assert len(response.json()) == n


@pytest.mark.parametrize("n", [3, 30])
def test_the_order_list_page_does_not_query_per_order(
    n, brand, category, dispatcher, technician, django_assert_num_queries
):
    _orders(n, dispatcher, technician)
    client = Client()
    client.force_login(dispatcher)
    brands_all()  # the brand filter's choices come from the catalog's per-process cache
    # session, user, key figures (one aggregate), page count, orders (+ joins), SLA clocks prefetch
    with django_assert_num_queries(6):
        response = client.get("/orders/")
    assert response.status_code == 200
