"""Who sees which layout and which navigation entries: the one place that decides it.

The layouts (templates/layouts/) only loop over `nav_entries`; every role condition lives here, so that
they can be switched to the permission table (`accounts.permissions.can`) in one edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.accounts.choices import Role
from anxin.accounts.permissions import Action, can
from anxin.dispatch.permissions import BOARD
from anxin.evidence.permissions import FILE, REVIEW
from anxin.intake.permissions import HOTLINE_CONSOLE
from anxin.network.permissions import COVERAGE_EDIT, COVERAGE_VIEW
from anxin.trust.permissions import BADGE, REVIEW_REPORTS

CUSTOMER, TECHNICIAN, STAFF = "customer", "technician", "staff"
LAYOUTS = {
    CUSTOMER: "layouts/customer.html",
    TECHNICIAN: "layouts/technician.html",
    STAFF: "layouts/staff.html",
}
# Signed-out visitors get the customer layout, except on the staff sign-in page.
STAFF_NAMESPACES_FOR_VISITORS = frozenset({"accounts"})

Rule = Callable[[Any], bool]


def _anyone(user: Any) -> bool:
    return True


def _signed_in(user: Any) -> bool:
    return user.is_authenticated


def _visitor(user: Any) -> bool:
    return not user.is_authenticated


def _roles(*roles: Role, superuser: bool = True) -> Rule:
    return lambda user: (superuser and user.is_superuser) or getattr(user, "role", None) in roles


def _may(action: Action) -> Rule:
    """Shown iff the permission table lets the user take the entry's action."""
    return lambda user: can(user, action)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    icon: str
    show: Rule = _anyone
    action: Action | None = None  # the table's action the entry opens: data-action on the link
    fragment: str = ""  # "#jobs": a section of the page until it has a page of its own
    dom_id: str = ""  # kept stable for the browser tests and access keys
    accesskey: str = ""


CUSTOMER_NAV = (
    NavEntry(_("首页"), "home", "home"),
    NavEntry(_("我要报修"), "portal:repair", "tool"),
    NavEntry(_("我的工单"), "portal:my_orders", "clipboard-list", _signed_in),
    NavEntry(_("售后申请"), "evidence:new", "receipt-refund", _may(FILE), action=FILE),
    NavEntry(_("身份核验"), "portal:verify", "shield-check", _visitor),
    NavEntry(_("登录"), "customers:login", "user", _visitor),
)
# Tasks / map / me. The technician's map page comes with the map work of issue #10; until then the
# middle tab opens the route list (the same order the map will draw).
TECHNICIAN_NAV = (
    NavEntry(_("任务"), "dispatch:me", "clipboard-list", dom_id="nav-me"),
    NavEntry(_("路线"), "dispatch:me", "map-2", fragment="#jobs"),
    NavEntry(_("我的"), "dispatch:me", "user", fragment="#status-card"),
    NavEntry(_("工牌"), "trust:badge", "user-check", _may(BADGE), action=BADGE, dom_id="nav-badge"),
)
STAFF_NAV = (
    NavEntry(_("工单"), "workorders:list", "clipboard-list"),
    NavEntry(
        _("坐席受理"),
        "intake:console",
        "headset",
        _may(HOTLINE_CONSOLE),
        action=HOTLINE_CONSOLE,
        accesskey="n",
    ),
    NavEntry(
        _("售后申请审核"),
        "evidence:queue",
        "receipt-refund",
        _may(REVIEW),
        action=REVIEW,
    ),
    NavEntry(
        _("调度看板"),
        "dispatch:board",
        "layout-kanban",
        _may(BOARD),
        action=BOARD,
        dom_id="nav-board",
    ),
    NavEntry(_("网点覆盖"), "network:service_points", "building-store", _may(COVERAGE_EDIT), COVERAGE_EDIT),
    NavEntry(_("覆盖查询"), "network:lookup", "search", _may(COVERAGE_VIEW), COVERAGE_VIEW),
    NavEntry(_("覆盖地图"), "network:coverage_map", "map", _may(COVERAGE_VIEW), COVERAGE_VIEW),
    NavEntry(_("假冒举报"), "trust:reports", "alert-triangle", _may(REVIEW_REPORTS), REVIEW_REPORTS),
    NavEntry(_("后台"), "admin:index", "settings", _roles(Role.ADMIN)),
)
NAV = {CUSTOMER: CUSTOMER_NAV, TECHNICIAN: TECHNICIAN_NAV, STAFF: STAFF_NAV}


def _user(request: HttpRequest) -> Any:
    # Requests built without the auth middleware (RequestFactory in tests) count as visitors.
    return getattr(request, "user", None) or AnonymousUser()


def audience_for(request: HttpRequest) -> str:
    user = _user(request)
    if not user.is_authenticated:
        match = request.resolver_match
        return STAFF if match and match.namespace in STAFF_NAMESPACES_FOR_VISITORS else CUSTOMER
    if user.is_superuser:
        return STAFF
    if user.role == Role.CUSTOMER:
        return CUSTOMER
    if user.role == Role.TECHNICIAN:
        return TECHNICIAN
    return STAFF


def nav_entries_for(request: HttpRequest, audience: str) -> list[dict[str, Any]]:
    """The entries this user may open, with their URL and whether the current page is theirs."""
    user = _user(request)
    if audience == STAFF and not user.is_authenticated:
        return []  # the staff sign-in page has no navigation
    entries = []
    active_found = False
    for entry in NAV[audience]:
        if not entry.show(user):
            continue
        path = reverse(entry.url_name)
        # One entry is active: the first whose page this is (the technician's tabs share one page).
        active = not active_found and not entry.fragment and _is_current(request.path, path)
        active_found = active_found or active
        entries.append(
            {
                "label": entry.label,
                "url": path + entry.fragment,
                "icon": entry.icon,
                "active": active,
                "dom_id": entry.dom_id,
                "accesskey": entry.accesskey,
                "action": entry.action.key if entry.action else "",
            }
        )
    return entries


def _is_current(current: str, target: str) -> bool:
    return current == target if target == "/" else current.startswith(target)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the layout `base.html` extends, its navigation and the trust header's facts."""
    audience = audience_for(request)
    return {
        "anxin_audience": audience,
        "anxin_layout": LAYOUTS[audience],
        "nav_entries": nav_entries_for(request, audience),
        "anxin_hotline": settings.ANXIN_HOTLINE,
    }
