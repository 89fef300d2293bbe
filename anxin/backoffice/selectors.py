"""Back-office reads that combine apps: the filtered, sorted order list and the landing page's key figures.

They sit here because they join work orders with SLA clocks and claims (docs/decisions.md §17); each
part stays scoped to the viewer through the owning app's selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.core.listing import local_today_start
from anxin.evidence.selectors import TO_DECIDE, claim_list_for
from anxin.sla.selectors import sla_at_risk_clocks, sla_next_due
from anxin.workorders.choices import OPEN_STATUSES, WAITING_FOR_TECHNICIAN, Status
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_list_for, workorder_visible_to

SLA_AT_RISK = "at_risk"  # the order list's `sla` filter value

# The status column sorts by the order's progress through its life, not alphabetically.
_STATUS_RANK = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(Status.values)), default=Value(99))
# Whitelisted sort keys (the form refuses any other); each ends in a unique key so pages never overlap.
ORDER_SORTS: dict[str, tuple[Any, ...]] = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "number": ("number",),
    "-number": ("-number",),
    "status": (_STATUS_RANK.asc(), "-created_at", "-id"),
    "-status": (_STATUS_RANK.desc(), "-created_at", "-id"),
    "sla_due": (F("sla_due").asc(nulls_last=True), "-created_at", "-id"),
    "-sla_due": (F("sla_due").desc(nulls_last=True), "-created_at", "-id"),
}
DEFAULT_ORDER_SORT = "-created"


def order_list_for(*, actor: User, filters: Mapping[str, Any], now: dt.datetime) -> QuerySet[WorkOrder]:
    """The staff order list as filtered and sorted by OrderListForm's cleaned data."""
    orders = workorder_list_for(
        actor=actor,
        status=filters.get("status") or "",
        attention_only=bool(filters.get("attention")),
        q=filters.get("q") or "",
        brand_code=filters.get("brand") or "",
        created_since=filters.get("created_since"),
        created_until=filters.get("created_until"),
    )
    if filters.get("sla") == SLA_AT_RISK:
        orders = orders.filter(pk__in=sla_at_risk_clocks(now=now).values("order_id"))
    ordering: tuple[str | OrderBy, ...] = ORDER_SORTS[filters.get("sort") or DEFAULT_ORDER_SORT]
    return orders.annotate(sla_due=sla_next_due()).order_by(*ordering)


@dataclass(frozen=True)
class KeyFigure:
    """One card on the landing page: a count and the list that shows exactly those rows."""

    key: str
    label: str | Promise
    icon: str
    count: int
    url: str
    tone: str


NEW_TODAY, WAITING, AT_RISK, CLAIMS = "new_today", "waiting", "sla_at_risk", "claims_to_decide"
# What each role acts on: the dispatcher fills technicians' days, the agent answers customers about
# their orders, brand staff watch their brands' promises and decide their claims; admins see all.
FIGURES_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (NEW_TODAY, WAITING, AT_RISK, CLAIMS),
    Role.DISPATCHER: (NEW_TODAY, WAITING, AT_RISK),
    Role.AGENT: (NEW_TODAY, WAITING, AT_RISK),
    Role.BRAND_STAFF: (NEW_TODAY, AT_RISK, CLAIMS),
}


def staff_key_figures(*, actor: User, now: dt.datetime | None = None) -> list[KeyFigure]:
    """The viewer's figures in at most two queries (one over orders, one over claims), in their scope."""
    keys = FIGURES_BY_ROLE.get(role_of(actor), ())
    if not keys:
        return []
    now = now or timezone.now()
    today_start = local_today_start(now)
    counts = workorder_visible_to(actor=actor).aggregate(
        new_today=Count("pk", filter=Q(created_at__gte=today_start)),
        waiting=Count("pk", filter=Q(status__in=WAITING_FOR_TECHNICIAN)),
        sla_at_risk=Count(
            "pk",
            filter=Q(status__in=OPEN_STATUSES, pk__in=sla_at_risk_clocks(now=now).values("order_id")),
        ),
    )
    if CLAIMS in keys:
        counts[CLAIMS] = claim_list_for(actor=actor, status=TO_DECIDE).count()
    today = timezone.localdate(now).isoformat()
    specs = {
        NEW_TODAY: (
            _("今日新工单"),
            "clipboard-list",
            "info",
            _orders_url(status="", created_from=today, created_to=today),
        ),
        WAITING: (_("待派技师"), "user-check", "warning", _orders_url(status="waiting")),
        AT_RISK: (_("时效预警"), "alert-triangle", "danger", _orders_url(sla=SLA_AT_RISK)),
        CLAIMS: (
            _("待审核售后"),
            "receipt-refund",
            "primary",
            reverse("evidence:queue") + "?" + urlencode({"status": TO_DECIDE}),
        ),
    }
    return [
        KeyFigure(key=key, label=label, icon=icon, tone=tone, url=url, count=counts[key])
        for key in keys
        for label, icon, tone, url in [specs[key]]
    ]


def _orders_url(**params: str) -> str:
    return reverse("workorders:list") + "?" + urlencode(params)
