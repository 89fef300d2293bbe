"""Writes of the live view: arrival codes and their check, the technician's track, the purge, the ETA SMS."""

from __future__ import annotations

import contextvars
import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.core.exceptions import Conflict, ValidationFailed
from anxin.dispatch.selectors import order_location
from anxin.dispatch.services.technicians import technician_order_advance
from anxin.dispatch.travel import GreatCircleProvider, LatLon, OsrmTableProvider, TravelProvider
from anxin.live.models import ArrivalAlert, ArrivalCode, Position
from anxin.network.models import Technician
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.permissions import TRANSITIONS

logger = logging.getLogger("anxin.live")

CODE_DIGITS = 4

# --- arrival code ------------------------------------------------------------------------------


def arrival_code_for(*, order: WorkOrder) -> ArrivalCode:
    """The order's visit code, made on first use (the SMS, the customer's page or the door)."""
    existing = ArrivalCode.objects.filter(order=order).first()
    if existing is not None:
        return existing
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    try:
        with transaction.atomic():
            return ArrivalCode.objects.create(order=order, code=code)
    except IntegrityError:  # made by a concurrent request: use theirs
        return ArrivalCode.objects.get(order=order)


# The orders whose code was checked in the current transaction: the ARRIVE guard lets only these through.
_confirmed: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "live_arrival_confirmed", default=frozenset()
)


@contextmanager
def _arrival_confirmed(order: WorkOrder) -> Iterator[None]:
    token = _confirmed.set(_confirmed.get() | {order.pk})
    try:
        yield
    finally:
        _confirmed.reset(token)


def arrival_guard(order: WorkOrder, actor: User | None) -> None:
    """Transition guard of ARRIVE: only through ``arrival_confirm`` with the customer's code."""
    if order.pk not in _confirmed.get():
        raise Conflict(
            gettext("到场需要输入客户的到场验证码"), code="arrival_code_required", field="arrival_code"
        )


def arrival_confirm(*, order: WorkOrder, code: str, actor: User) -> WorkOrder:
    """The technician (or a dispatcher on his behalf) enters the customer's code: right → on site.

    A wrong code is counted outside the refused transaction, so the count survives the refusal; at
    ``ANXIN_LIVE_ARRIVAL_CODE_ALERT_AFTER`` wrong codes the dispatcher gets an alert on the board.
    """
    require(actor, TRANSITIONS[Event.ARRIVE], order)  # before the code: nobody else may guess it
    if order.status != Status.EN_ROUTE:
        raise Conflict(gettext("技师出发后才能登记到场"), code="illegal_transition", field="event")
    code = (code or "").strip()
    if not (len(code) == CODE_DIGITS and code.isdigit()):
        raise ValidationFailed(gettext("请输入 4 位数字的到场验证码"), field="arrival_code")
    expected = arrival_code_for(order=order)
    if not hmac.compare_digest(code, expected.code):
        _arrival_code_wrong(order=order, code_row=expected)
        raise ValidationFailed(gettext("到场验证码不正确，请向客户核对"), field="arrival_code")
    with transaction.atomic(), _arrival_confirmed(order):
        now = timezone.now()
        ArrivalCode.objects.filter(pk=expected.pk).update(confirmed_at=now)
        ArrivalAlert.objects.filter(order=order, resolved_at__isnull=True).update(resolved_at=now)
        return technician_order_advance(order=order, event=Event.ARRIVE, actor=actor)


@transaction.atomic
def _arrival_code_wrong(*, order: WorkOrder, code_row: ArrivalCode) -> None:
    ArrivalCode.objects.filter(pk=code_row.pk).update(failed_attempts=F("failed_attempts") + 1)
    attempts = ArrivalCode.objects.values_list("failed_attempts", flat=True).get(pk=code_row.pk)
    logger.warning("order %s: wrong arrival code (%s)", order.number, attempts)
    if attempts == settings.ANXIN_LIVE_ARRIVAL_CODE_ALERT_AFTER:  # once, at the threshold
        ArrivalAlert.objects.create(
            order=order, technician_id=order.technician_id, attempts=attempts, created_at=timezone.now()
        )


# --- the technician's track ---------------------------------------------------------------------


def _travel_provider() -> TravelProvider:
    url = settings.ANXIN_OSRM_URL
    return OsrmTableProvider(url) if url else GreatCircleProvider()


def eta_seconds(*, here: LatLon, order: WorkOrder) -> int | None:
    """Travel time from ``here`` to the order's area (township or county centre) by the travel provider."""
    destination = order_location(order)
    if destination is None:
        return None
    return _travel_provider().matrix([here, destination]).durations_s[0][1]


def position_listener(technician: Technician, at: dt.datetime) -> None:
    """Registered with network: every position the phone posts (page or API) goes through here."""
    position_record(technician=technician, at=at)


def position_record(*, technician: Technician, at: dt.datetime) -> list[Position]:
    """Keep the position on the track of each order he is on the way to (at most one per interval).

    Nothing is kept when he is not en route: his position between visits is not the customer's business.
    """
    if technician.last_latitude is None or technician.last_longitude is None:
        return []
    here = LatLon(technician.last_latitude, technician.last_longitude)
    min_gap = dt.timedelta(seconds=settings.ANXIN_LIVE_POSITION_MIN_INTERVAL_S)
    kept = []
    orders = WorkOrder.objects.filter(technician=technician, status=Status.EN_ROUTE).select_related(
        "service_point"
    )
    for order in orders:
        if Position.objects.filter(order=order, recorded_at__gt=at - min_gap).exists():
            continue
        eta = eta_seconds(here=here, order=order)
        kept.append(
            Position.objects.create(
                order=order,
                technician=technician,
                latitude=here.lat,
                longitude=here.lon,
                eta_seconds=eta,
                recorded_at=at,
            )  # fmt: skip
        )
        if eta is not None and eta < settings.ANXIN_LIVE_ARRIVING_SMS_MINUTES * 60:
            arriving_sms_claim(order=order, eta_seconds=eta)
    return kept


def arriving_sms_claim(*, order: WorkOrder, eta_seconds: int) -> bool:
    """Claim the order's one "arriving soon" SMS (conditional update) and send it after commit."""
    code = arrival_code_for(order=order)
    claimed = ArrivalCode.objects.filter(pk=code.pk, arriving_sms_at__isnull=True).update(
        arriving_sms_at=timezone.now()
    )
    if claimed:
        from anxin.live.tasks import arriving_sms

        minutes = max(1, round(eta_seconds / 60))
        transaction.on_commit(lambda: arriving_sms(order_id=order.pk, minutes=minutes))
    return bool(claimed)


def positions_purge(*, now: dt.datetime | None = None) -> int:
    """Delete positions older than the retention; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.ANXIN_LIVE_POSITION_RETENTION_DAYS)
    deleted, _ = Position.objects.filter(recorded_at__lt=cutoff).delete()
    return deleted
