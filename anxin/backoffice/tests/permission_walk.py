"""The people and objects the permission walk uses, and what the table says each person may do.

One order of brand 乐创 assigned to ``technician`` and belonging to ``customer``; one claim of the same
customer on the same brand; ``brand_staff`` works for that brand, ``other_brand_staff`` for another.
"Insiders" are the people an OWN or BRAND grant covers for these objects; the ``other_*`` people hold
the same role but the objects are not theirs. Expectations come from the grants alone, never from the
apps' ``in_scope`` functions.
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from anxin.accounts.choices import Role
from anxin.accounts.models import ApiToken, User
from anxin.accounts.permissions import Action, Scope
from anxin.customers.models import Customer

PEOPLE = (
    "admin",
    "dispatcher",
    "agent",
    "technician",
    "other_technician",
    "brand_staff",
    "other_brand_staff",
    "customer",
    "other_customer",
    "outsider",
)
INSIDERS = frozenset({"technician", "customer", "brand_staff"})
OBJECT_SCOPES = frozenset({Scope.OWN, Scope.BRAND})


@dataclass
class World:
    """Everything a case needs; cases re-read rows they change (each person's call is rolled back)."""

    people: dict[str, User]
    order: Any
    other_order: Any
    claim: Any
    technician: Any
    other_technician: Any
    service_point: Any
    product_model: Any
    brand: Any


def world_build(
    *, brand, other_brand, product_model, admin_user, dispatcher, agent, technician, other_technician,
    brand_staff, outsider,
) -> World:  # fmt: skip
    from anxin.evidence.services import claim_create
    from anxin.workorders.models import WorkOrder
    from anxin.workorders.tests.factories import order_file

    other_technician.brands.add(brand)  # skilled for the order, so reassigning to him is legal
    other_technician.categories.add(product_model.category)
    other_staff = User.objects.create_user(username="otherstaff", role=Role.BRAND_STAFF)
    other_staff.brands.add(other_brand)
    order = order_file(phone="13800000001", brand=brand.name)
    owner = User.objects.create_user(username="cust", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    other_order = order_file(phone="13800000002", brand=brand.name)
    stranger = User.objects.create_user(username="cust2", role=Role.CUSTOMER)
    Customer.objects.filter(pk=other_order.customer_id).update(user=stranger)
    WorkOrder.objects.filter(pk=order.pk).update(
        technician=technician, service_point=technician.service_point
    )
    owner.refresh_from_db()
    claim = claim_create(
        actor=owner,
        buyer=owner.customer,
        brand=brand,
        product_model=product_model,
        claim_type="refund_only",
        order_number="TB20260701001",
        amount_paid=Decimal("299.00"),
        amount_claimed=Decimal("199.00"),
    )
    people = {
        "admin": admin_user,
        "dispatcher": dispatcher,
        "agent": agent,
        "technician": technician.user,
        "other_technician": other_technician.user,
        "brand_staff": brand_staff,
        "other_brand_staff": other_staff,
        "customer": owner,
        "other_customer": stranger,
        "outsider": outsider,
    }
    return World(
        people=people,
        order=order,
        other_order=other_order,
        claim=claim,
        technician=technician,
        other_technician=other_technician,
        service_point=technician.service_point,
        product_model=product_model,
        brand=brand,
    )


def granted(action: Action, user: User | AnonymousUser) -> Scope | None:
    if not user.is_authenticated:
        return None
    return action.grants.get(Role.ADMIN if user.is_superuser else user.role)


def expected(action: Action, who: str, user: User, *, narrowed: frozenset[Scope] = OBJECT_SCOPES) -> bool:
    """Allowed by the table? ``narrowed``: the scopes for which this call's object must be the user's
    (an action on the order or claim); a list or board narrows its rows instead and is open to the role."""
    scope = granted(action, user)
    if scope is None:
        return False
    return scope not in narrowed or who in INSIDERS


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


OK, FORBIDDEN, HIDDEN = "ok", "403", "404"


@dataclass(frozen=True)
class Case:
    """How to take one action as ``user``: ``call(world, user)`` returns an HTTP status (an endpoint) or
    whatever the service returns (ignored)."""

    call: Callable[[World, User], object]
    hidden: bool = False  # out-of-scope objects answer 404, not 403 (looked up in the caller's scope)
    narrowed: frozenset[Scope] = OBJECT_SCOPES  # empty: a list or board, narrowed row by row instead
    # Domain refusals that still mean "the permission check let him through" (the walk does not build
    # what the action needs beyond that: see the case).
    past_gate: frozenset[str] = field(default_factory=frozenset)


def api_client(user: User) -> Client:
    token = "ax_" + secrets.token_urlsafe(24)
    ApiToken.objects.create(
        name=f"walk-{user.username}", user=user, token_hash=ApiToken.hash_token(token), prefix=token[:8]
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def app_cases() -> dict[str, Case]:
    """The walk's cases that apps keep beside their own code, in ``anxin/<app>/tests/permission_cases.py``
    (a ``CASES`` dict of the same shape), so a new app adds its actions without editing this walk."""
    found: dict[str, Case] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("anxin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.permission_cases")
        except ModuleNotFoundError as missing:
            if missing.name not in (f"{config.name}.tests", f"{config.name}.tests.permission_cases"):
                raise
            continue
        clash = set(found) & set(module.CASES)
        assert not clash, f"cases declared twice: {clash}"
        found.update(module.CASES)
    return found
