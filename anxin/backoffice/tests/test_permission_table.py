"""The permission table, walked for every action and every person: calling the action's service (or,
where the service is the endpoint's, the endpoint) goes through exactly when the table allows it.

``CASES`` holds one way to take each action; it is checked against ``permission_table()``, so an action
declared without a case here fails the walk. A refusal is PermissionDenied (403). Where the endpoint
looks its object up in the caller's scope first, a person whose role holds the grant but for whom the
object is not theirs hears 404 instead (the case says ``hidden=True``): the number reveals nothing.
Each person's call runs in a savepoint that is rolled back, so every person meets the same world.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from django.db import transaction
from django.utils import timezone
from PIL import Image

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import Scope, permission_table, permission_table_markdown
from anxin.backoffice.tests.permission_walk import (
    FORBIDDEN,
    HIDDEN,
    OK,
    PEOPLE,
    Case,
    World,
    api_client,
    app_cases,
    expected,
    signed_in,
    world_build,
)
from anxin.core.exceptions import DomainError, NotFound, PermissionDenied
from anxin.dispatch import services as dispatch
from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer
from anxin.evidence import services as evidence
from anxin.evidence.choices import ClaimStatus, Decision
from anxin.evidence.models import Claim
from anxin.network.choices import TechnicianStatus
from anxin.network.models import CoverageArea
from anxin.network.selectors import coverage_list_for
from anxin.network.services import coverage_delete
from anxin.sla.choices import PauseReason
from anxin.sla.services import sla_pause, sla_resume
from anxin.workorders import services as workorders
from anxin.workorders.choices import TRANSITION_EVENTS, Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.permissions import TRANSITIONS
from anxin.workorders.statemachine import TRANSITIONS as MACHINE

ROOT = Path(__file__).resolve().parents[3]
# --- the world, in a given state -----------------------------------------------------------------


def _order(w: World, status: str = Status.TECHNICIAN_ACCEPTED) -> WorkOrder:
    WorkOrder.objects.filter(pk=w.order.pk).update(status=status, technician=w.technician)
    return WorkOrder.objects.select_related("technician", "customer").get(pk=w.order.pk)


def _claim(w: World, status: str = ClaimStatus.REVIEW, **fields: Any) -> Claim:
    Claim.objects.filter(pk=w.claim.pk).update(status=status, **fields)
    return Claim.objects.select_related("buyer").get(pk=w.claim.pk)


def _source_for(event: str) -> str:
    """A status the event may fire from; the customer's own rules prefer early cancel and the quote."""
    sources = _sources(next(t for t in MACHINE if t["trigger"] == event))
    preferences = (Status.RECEIVED,) if event == Event.CANCEL else (Status.AWAITING_APPROVAL,)
    for preferred in preferences:
        if preferred in sources:
            return preferred
    return sources[0]


def _sources(transition: dict[str, object]) -> list[str]:
    source = transition["source"]
    return [source] if isinstance(source, str) else list(cast(list[str], source))


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 80, 40)).save(out, format="JPEG")
    return out.getvalue()


def _upload(w: World, user: User, kind: str) -> int:
    claim = _claim(w)
    photo = ("p.jpg", _photo(), "image/jpeg")
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"kind": kind, "file": SimpleUploadedFile(*photo)}
    return api_client(user).post(f"/api/v1/claims/{claim.number}/evidence", body).status_code


def _listing_photo(w: World, user: User) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"file": SimpleUploadedFile("l.jpg", _photo(), "image/jpeg")}
    return (
        api_client(user).post(f"/api/v1/claims/models/{w.product_model.pk}/listing-photos", body).status_code
    )


def _file_order(w: World, user: User) -> int:
    body = {"phone": "13900000009", "brand": w.brand.name, "category": "消毒柜", "description": "不加热"}
    return api_client(user).post("/api/v1/orders", body, content_type="application/json").status_code


def _correct(w: World, user: User) -> None:
    order = _order(w)
    values = replace(workorders.OrderValues.of(order), description="门关不上")
    workorders.workorder_correct(
        order=order, actor=user, values=values, version=workorders.workorder_version(order)
    )


def _coverage_delete(w: World, user: User) -> None:
    area = CoverageArea.objects.create(
        service_point=w.service_point, division_code="110105", level=3, name_path="北京市/北京市/朝阳区"
    )
    coverage_delete(actor=user, service_point=w.service_point, coverage_id=area.pk)


def _offer(w: World, user: User) -> None:
    order = _order(w, Status.DISPATCHED)
    now = timezone.now()
    offer = DispatchOffer.objects.create(
        order=order, technician=w.technician, state=OfferState.PENDING, created_at=now,
        expires_at=now + dt.timedelta(minutes=10),
    )  # fmt: skip
    dispatch.offer_accept(offer=offer, actor=user)


def _resume(w: World, user: User) -> None:
    order = _order(w)
    sla_pause(order=order, reason=PauseReason.values[0], actor=w.people["admin"])
    sla_resume(order=order, actor=user)


def _transition(event: str) -> Callable[[World, User], object]:
    def call(w: World, user: User) -> None:
        extra = {"technician": w.technician} if event == Event.DISPATCH else {}
        order = _order(w, _source_for(event))
        workorders.workorder_transition(order=order, event=event, actor=user, note="walk", **extra)

    return call


def _decide(decision: str) -> Callable[[World, User], object]:
    return lambda w, u: evidence.claim_decide(actor=u, claim=_claim(w), decision=decision, reason="walk")


LIST = frozenset[Scope]()
CASES: dict[str, Case] = {
    **{action.key: Case(_transition(event)) for event, action in TRANSITIONS.items()},
    # Past the permission gate ARRIVE still needs the customer's arrival code (live.arrival_guard).
    "workorders.arrive": Case(_transition(Event.ARRIVE), past_gate=frozenset({"arrival_code_required"})),
    # Past the gate the visit's guards (anxin/visits/completion.py) need the diagnosis, the customer's
    # answer and the whole visit: the walk's bare order has none, so those refusals mean "allowed".
    "workorders.diagnose": Case(_transition(Event.DIAGNOSE), past_gate=frozenset({"diagnosis_required"})),
    "workorders.start_repair": Case(
        _transition(Event.START_REPAIR), past_gate=frozenset({"approval_required"})
    ),
    "workorders.complete": Case(_transition(Event.COMPLETE), past_gate=frozenset({"completion_incomplete"})),
    "workorders.reveal_personal_data": Case(
        lambda w, u: workorders.workorder_contact_reveal(order=_order(w), actor=u, field="contact_phone")
    ),
    "workorders.record_contact": Case(
        lambda w, u: workorders.workorder_customer_contacted(order=_order(w), actor=u)
    ),
    "workorders.edit": Case(_correct),
    "workorders.export": Case(lambda w, u: signed_in(u).get("/orders/export.csv").status_code, narrowed=LIST),
    "sla.pause": Case(lambda w, u: sla_pause(order=_order(w), reason=PauseReason.values[0], actor=u)),
    "sla.resume": Case(_resume),
    "sla.report": Case(lambda w, u: api_client(u).get("/api/v1/sla/breaches").status_code, narrowed=LIST),
    "dispatch.board": Case(
        lambda w, u: dispatch.board_snapshot(actor=u, service_point=w.service_point), narrowed=LIST
    ),
    "dispatch.reassign": Case(
        lambda w, u: dispatch.dispatch_reassign(order=_order(w), technician=w.other_technician, actor=u)
    ),
    "dispatch.pin": Case(lambda w, u: dispatch.dispatch_pin(order=_order(w), actor=u)),
    "dispatch.suggestions": Case(
        lambda w, u: signed_in(u).get(f"/dispatch/orders/{_order(w).number}/panel/").status_code, hidden=True
    ),
    "dispatch.offer_answer": Case(_offer),
    "dispatch.technician_status": Case(
        lambda w, u: dispatch.technician_status_set(
            technician=w.technician, status=TechnicianStatus.AVAILABLE, actor=u
        )
    ),
    # Booking a window needs the day's plan to have room; the walk stops at the permission check.
    "dispatch.slot_book": Case(
        lambda w, u: dispatch.slot_choose(
            order=_order(w, Status.ACCEPTED), start=timezone.now() + dt.timedelta(days=1), actor=u
        ),
        past_gate=frozenset({"slot_unavailable"}),
    ),
    "evidence.claim_file": Case(
        lambda w, u: evidence.claim_create(
            actor=u,
            buyer=w.claim.buyer,
            brand=w.brand,
            claim_type="refund_only",
            order_number="TB2",
            amount_paid=Decimal("10"),
            amount_claimed=Decimal("5"),
        )
    ),  # fmt: skip
    "evidence.add_claim_files": Case(lambda w, u: _upload(w, u, "claim_photo"), hidden=True),
    "evidence.add_shipping_files": Case(lambda w, u: _upload(w, u, "shipping_photo"), hidden=True),
    "evidence.listing_photos": Case(_listing_photo, hidden=True),
    "evidence.review": Case(lambda w, u: signed_in(u).get("/claims/queue/").status_code, narrowed=LIST),
    **{f"evidence.decide_{d}": Case(_decide(d)) for d in Decision.values},
    "evidence.appeal": Case(
        lambda w, u: evidence.claim_appeal(
            actor=u,
            claim=_claim(w, ClaimStatus.REJECTED, appeal_deadline=timezone.now() + dt.timedelta(days=3)),
            reason="walk",
        )
    ),
    "evidence.arbitrate": Case(
        lambda w, u: evidence.claim_arbitrate(
            actor=u, claim=_claim(w, ClaimStatus.APPEALED), decision=Decision.APPROVE, reason="walk"
        )
    ),
    # Brand staff file only for their brands: the order names the world's brand.
    "intake.file_order": Case(_file_order, narrowed=frozenset({Scope.BRAND})),
    "intake.hotline_console": Case(lambda w, u: signed_in(u).get("/console/").status_code, narrowed=LIST),
    "network.coverage_view": Case(
        lambda w, u: list(coverage_list_for(actor=u, service_point=w.service_point)), narrowed=LIST
    ),
    "network.coverage_edit": Case(_coverage_delete, narrowed=LIST),
}
CASES.update(app_cases())


@pytest.fixture
def world(
    db, brand, other_brand, product_model, admin_user, dispatcher, agent, technician, other_technician,
    brand_staff, outsider,
) -> World:  # fmt: skip
    return world_build(
        brand=brand, other_brand=other_brand, product_model=product_model, admin_user=admin_user,
        dispatcher=dispatcher, agent=agent, technician=technician, other_technician=other_technician,
        brand_staff=brand_staff, outsider=outsider,
    )  # fmt: skip


class _Rollback(Exception):
    pass


def _outcome(case: Case, w: World, user: User) -> str:
    """What happened to this person's call, in a savepoint rolled back afterwards."""
    result = OK
    try:
        with transaction.atomic():
            try:
                status = case.call(w, user)
            except PermissionDenied:
                result = FORBIDDEN
            except NotFound:
                result = HIDDEN
            except DomainError as exc:
                if exc.code not in case.past_gate:
                    pytest.fail(f"refused for another reason: {exc.code} {exc.detail}")
            else:
                if isinstance(status, int):
                    result = {403: FORBIDDEN, 404: HIDDEN}.get(status, OK)
                    assert status < 400 or result != OK, f"answered {status}"
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_every_declared_action_has_a_case_and_every_case_an_action():
    declared = {action.key for action in permission_table()}
    assert declared - set(CASES) == set(), "actions without a case in the walk"
    assert set(CASES) - declared == set(), "cases for actions nobody declares"


def test_every_state_machine_event_is_in_the_table():
    assert set(TRANSITIONS) == {e.value for e in TRANSITION_EVENTS}


@pytest.mark.parametrize("action", permission_table(), ids=lambda a: a.key)
def test_each_action_is_allowed_exactly_as_the_table_says(world, action):
    case = CASES.get(action.key)
    if case is None:  # an error, not a skip: the walk must learn every new action
        pytest.fail(f"{action.key} has no case in CASES")
    for who in PEOPLE:
        user = world.people[who]
        got = _outcome(case, world, user)
        if expected(action, who, user, narrowed=case.narrowed):
            assert got == OK, (action.key, who, got)
        elif action.grants.get("admin" if user.is_superuser else user.role) is None:
            assert got == FORBIDDEN, (action.key, who, got)
        else:  # the role may, but not on this object
            assert got == (HIDDEN if case.hidden else FORBIDDEN), (action.key, who, got)


def test_docs_security_shows_the_table_as_the_code_declares_it():
    text = (ROOT / "docs" / "security.md").read_text()
    table = text.split("<!-- table:start -->\n", 1)[1].split("<!-- table:end -->", 1)[0]
    assert table == permission_table_markdown()


def test_every_grant_names_a_known_role_and_scope():
    for action in permission_table():
        assert set(action.grants) <= set(Role.values), action.key
        assert set(action.grants.values()) <= set(Scope), action.key
