"""The staff order list finds an order by number or by the customer's phone (through the blind index)."""

from __future__ import annotations

from anxin.workorders.selectors import workorder_list_for
from anxin.workorders.tests.factories import order_file


def test_an_order_is_found_by_the_customers_phone_in_any_format(brand, category, dispatcher):
    mine = order_file(phone="13800138000")
    order_file(phone="13900139000")
    for query in ("13800138000", "138 0013 8000", "+86 138-0013-8000"):
        assert list(workorder_list_for(actor=dispatcher, q=query)) == [mine]


def test_a_number_fragment_still_matches_and_part_of_a_phone_does_not(brand, category, dispatcher):
    order = order_file(phone="13800138000")
    assert list(workorder_list_for(actor=dispatcher, q=order.number[-6:])) == [order]
    assert list(workorder_list_for(actor=dispatcher, q="0013800")) == []  # no partial phone search


def test_the_phone_search_stays_inside_the_viewers_scope(brand, category, technician):
    order_file(phone="13800138000")
    assert list(workorder_list_for(actor=technician.user, q="13800138000")) == []
