"""Reads for the intake channels: what the hotline console shows about a caller."""

from __future__ import annotations

from dataclasses import dataclass, field

from anxin.accounts.models import User
from anxin.core.masking import normalize_phone
from anxin.customers.models import Customer, Device
from anxin.customers.services import phone_blind_index
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_visible_to


@dataclass
class CallerHistory:
    phone: str
    customer: Customer | None = None
    orders: list[WorkOrder] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)


def caller_history_for(*, actor: User, phone: str) -> CallerHistory:
    """A caller's earlier orders (those the actor may see) and registered devices, found by blind index."""
    normalized = normalize_phone(phone)
    history = CallerHistory(phone=normalized)
    if len(normalized) < 7:
        return history
    customer = Customer.objects.filter(phone_index=phone_blind_index(normalized)).first()
    if customer is None:
        return history
    history.customer = customer
    history.orders = list(
        workorder_visible_to(actor=actor)
        .filter(customer=customer)
        .select_related("brand", "category")
        .order_by("-created_at")[:20]
    )
    history.devices = list(customer.devices.select_related("brand", "category", "product_model"))
    return history
