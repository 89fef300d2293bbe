from __future__ import annotations

import pytest

from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.live.models import ArrivalAlert, ArrivalCode
from anxin.live.selectors import arrival_alerts_open_for
from anxin.live.services import arrival_code_for, arrival_confirm
from anxin.workorders.choices import Event, Status
from anxin.workorders.services import workorder_transition


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10000:04d}"


def test_the_code_is_four_digits_stored_encrypted_and_stable(en_route_order):
    code = arrival_code_for(order=en_route_order).code
    assert len(code) == 4 and code.isdigit()
    assert arrival_code_for(order=en_route_order).code == code
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM live_arrivalcode")
        (stored,) = cursor.fetchone()
    assert code not in stored


def test_the_right_code_moves_the_order_on_site(en_route_order, technician):
    code = arrival_code_for(order=en_route_order).code
    order = arrival_confirm(order=en_route_order, code=code, actor=technician.user)
    assert order.status == Status.ON_SITE
    assert order.events.filter(event=Event.ARRIVE).count() == 1


def test_a_wrong_code_is_refused_and_counted(en_route_order, technician):
    code = arrival_code_for(order=en_route_order).code
    with pytest.raises(ValidationFailed) as refused:
        arrival_confirm(order=en_route_order, code=_wrong(code), actor=technician.user)
    assert refused.value.field == "arrival_code"
    en_route_order.refresh_from_db()
    assert en_route_order.status == Status.EN_ROUTE
    assert ArrivalCode.objects.get(order=en_route_order).failed_attempts == 1


def test_arrive_without_the_code_is_refused_on_every_path(en_route_order, technician, dispatcher, client):
    with pytest.raises(Conflict) as refused:
        workorder_transition(order=en_route_order, event=Event.ARRIVE, actor=technician.user)
    assert refused.value.code == "arrival_code_required"
    client.force_login(technician.user)
    client.post(f"/dispatch/me/orders/{en_route_order.number}/", {"event": "arrive"})
    en_route_order.refresh_from_db()
    assert en_route_order.status == Status.EN_ROUTE


def test_three_wrong_codes_alert_the_dispatcher_once_and_the_right_code_clears_it(
    en_route_order, technician, dispatcher
):
    code = arrival_code_for(order=en_route_order).code
    for _ in range(4):
        with pytest.raises(ValidationFailed):
            arrival_confirm(order=en_route_order, code=_wrong(code), actor=technician.user)
    alerts = list(arrival_alerts_open_for(actor=dispatcher))
    assert [(a.order_id, a.attempts) for a in alerts] == [(en_route_order.pk, 3)]
    arrival_confirm(order=en_route_order, code=code, actor=technician.user)
    assert not arrival_alerts_open_for(actor=dispatcher).exists()
    assert ArrivalAlert.objects.count() == 1


def test_another_technician_cannot_even_try_a_code(en_route_order, other_technician):
    code = arrival_code_for(order=en_route_order).code
    with pytest.raises(PermissionDenied):
        arrival_confirm(order=en_route_order, code=code, actor=other_technician.user)
    assert ArrivalCode.objects.get(order=en_route_order).failed_attempts == 0


def test_the_departure_sms_carries_the_code(en_route_order):
    from anxin.intake.milestones import milestone_text_send

    departed = en_route_order.events.get(event=Event.DEPART)
    note = milestone_text_send(event_id=departed.pk)
    assert note is not None and arrival_code_for(order=en_route_order).code in note.body
