"""SLA reads: alerts for the people who must act, breach reports; scoped like work orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.sla.choices import SlaState
from anxin.sla.models import SlaAlert, SlaClock
from anxin.workorders.selectors import workorder_visible_to


def sla_alerts_for(*, actor: User, open_only: bool = True) -> QuerySet[SlaAlert]:
    """Dispatchers get warnings and breaches; supervisors (admins) also escalations."""
    role = role_of(actor)
    alerts = SlaAlert.objects.select_related("clock__order").filter(
        clock__order__in=workorder_visible_to(actor=actor)
    )
    if role == Role.DISPATCHER:
        alerts = alerts.filter(notify_role=Role.DISPATCHER)
    elif role != Role.ADMIN:
        return alerts.none()
    if open_only:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    return alerts


@dataclass(frozen=True)
class BreachRow:
    brand: str
    kind: str
    total: int
    met: int
    breached: int

    @property
    def breach_rate(self) -> float:
        return self.breached / self.total if self.total else 0.0


def sla_breach_report(
    *, actor: User, since: dt.datetime, until: dt.datetime
) -> tuple[list[BreachRow], QuerySet[SlaClock]]:
    """Per brand and promise: how many clocks started in the window, how many were kept or broken."""
    clocks = SlaClock.objects.filter(
        order__in=workorder_visible_to(actor=actor), started_at__gte=since, started_at__lt=until
    )
    grouped = (
        clocks.values("order__brand__name", "kind")
        .annotate(
            total=Count("id"),
            met=Count("id", filter=Q(state=SlaState.MET)),
            breached=Count("id", filter=Q(state=SlaState.BREACHED)),
        )
        .order_by("order__brand__name", "kind")
    )
    rows = [
        BreachRow(g["order__brand__name"] or "—", g["kind"], g["total"], g["met"], g["breached"])
        for g in grouped
    ]
    breaches = (
        clocks.filter(state=SlaState.BREACHED)
        .select_related("order", "order__brand")
        .order_by("-breached_at")
    )
    return rows, breaches


def sla_at_risk_clocks(*, now: dt.datetime) -> QuerySet[SlaClock]:
    """Promises someone must act on now: running past the warning point (the warning task has sent it,
    ``warn_before_minutes`` before due), running past due, or already broken."""
    running = Q(state=SlaState.RUNNING) & (Q(warned_at__isnull=False) | Q(due_at__lte=now))
    return SlaClock.objects.filter(running | Q(state=SlaState.BREACHED))


def sla_next_due() -> Subquery:
    """Per order (annotate a WorkOrder queryset): the due time of its earliest running clock, or NULL."""
    running = SlaClock.objects.filter(order=OuterRef("pk"), state=SlaState.RUNNING).order_by("due_at")
    return Subquery(running.values("due_at")[:1])
