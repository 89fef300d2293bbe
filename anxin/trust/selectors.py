"""Reads of anxin.trust: a technician's current order, official channels, suspects in the actor's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import Scope, require, scope_of
from anxin.core.exceptions import NotFound
from anxin.network.models import Technician
from anxin.trust.choices import ChannelKind, SuspectStatus
from anxin.trust.models import FakeChannelReport, OfficialChannel, SuspectChannel
from anxin.trust.permissions import REVIEW_REPORTS
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

# Orders a technician may show his badge for: accepted (about to leave), on the way, or at the door.
# The first statuses win as "current": he is in the customer's home, then on his way there.
BADGE_STATUSES = (
    Status.ON_SITE,
    Status.DIAGNOSED,
    Status.AWAITING_APPROVAL,
    Status.IN_REPAIR,
    Status.EN_ROUTE,
    Status.TECHNICIAN_ACCEPTED,
)


def badge_orders_of(*, technician: Technician) -> list[WorkOrder]:
    """The technician's orders a badge can be shown for, the current one first."""
    rank: dict[str, int] = {str(status): i for i, status in enumerate(BADGE_STATUSES)}
    orders = WorkOrder.objects.filter(technician=technician, status__in=BADGE_STATUSES).select_related(
        "brand", "category"
    )
    return sorted(
        orders,
        key=lambda o: (rank[o.status], o.appointment_start is None, o.appointment_start, o.number),
    )


def badge_order_of(*, technician: Technician, number: str = "") -> WorkOrder | None:
    """The order the badge shows: ``number`` when it is one of his badge orders, else the current one."""
    orders = badge_orders_of(technician=technician)
    chosen = next((o for o in orders if o.number == number), None) if number else None
    return chosen or (orders[0] if orders else None)


def badge_order_for_check(*, number: str) -> WorkOrder | None:
    """The order a badge token names (any status: the check says when it is no longer his)."""
    return WorkOrder.objects.select_related("brand", "category").filter(number=number).first()


def technician_for_badge_check(*, technician_id: int) -> Technician | None:
    return Technician.objects.select_related("user", "service_point").filter(pk=technician_id).first()


def official_channels(*, kind: str) -> list[OfficialChannel]:
    return list(OfficialChannel.objects.filter(kind=kind, is_active=True).select_related("brand"))


def official_phone_channel(*, digits: str) -> OfficialChannel | None:
    if not digits:
        return None
    return (
        OfficialChannel.objects.filter(kind=ChannelKind.PHONE, normalized=digits, is_active=True)
        .select_related("brand")
        .first()
    )


def suspects_for(*, actor: User, status: str = "") -> QuerySet[SuspectChannel]:
    """Reported channels the actor reviews, most recently reported first (brand staff: their brands')."""
    require(actor, REVIEW_REPORTS)
    suspects = SuspectChannel.objects.select_related("brand")
    if scope_of(actor, REVIEW_REPORTS) == Scope.BRAND:
        suspects = suspects.filter(brand__in=actor.brands.all())
    if status in SuspectStatus.values:
        suspects = suspects.filter(status=status)
    return suspects.order_by("-last_reported_at", "-pk")


def suspect_get_for(*, actor: User, suspect_id: int) -> SuspectChannel:
    """One suspect in the actor's scope; 404 for any other (its number reveals nothing)."""
    suspect = suspects_for(actor=actor).filter(pk=suspect_id).first()
    if suspect is None:
        raise NotFound(gettext("没有您可查看的举报记录"), field="suspect")
    return suspect


def reports_of(*, suspect: SuspectChannel) -> list[FakeChannelReport]:
    return list(suspect.reports.order_by("-created_at"))


def report_get_for(*, actor: User, report_id: int) -> FakeChannelReport:
    """One report in the actor's scope (for its screenshot)."""
    report = (
        FakeChannelReport.objects.select_related("suspect")
        .filter(pk=report_id, suspect__in=suspects_for(actor=actor))
        .first()
    )
    if report is None:
        raise NotFound(gettext("没有您可查看的举报记录"), field="report")
    return report
